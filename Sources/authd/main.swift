import AuthdCLI

// The executable stays thin: everything lives in AuthdCLI so tests can drive it in-process too.
AuthdCommand.main(arguments: Array(CommandLine.arguments.dropFirst()))
