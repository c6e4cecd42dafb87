/// `flushExpired` as every backend runs it: chunk after chunk, each its own short transaction, so a large flush never
/// holds the write lock (or row locks) long. `deleteChunk` deletes at most the given number of rows and answers how
/// many; the completion gets the total.
public enum ChunkedDeletion {
    public static let chunk = 5000

    public static func run(_ deleteChunk: @escaping @Sendable (_ limit: Int, _ completion: @escaping StoreCompletion<Int>) -> Void,
                           completion: @escaping StoreCompletion<Int>) {
        next(deleteChunk, deletedSoFar: 0, completion: completion)
    }

    private static func next(_ deleteChunk: @escaping @Sendable (Int, @escaping StoreCompletion<Int>) -> Void,
                             deletedSoFar: Int, completion: @escaping StoreCompletion<Int>) {
        deleteChunk(chunk) { result in
            switch result {
            case .success(let deleted) where deleted >= chunk:
                next(deleteChunk, deletedSoFar: deletedSoFar + deleted, completion: completion)
            case .success(let deleted):
                completion(.success(deletedSoFar + deleted))
            case .failure(let error):
                completion(.failure(error))
            }
        }
    }
}
