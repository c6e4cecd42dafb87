import API
import Settings
import Tokens

/// What one entry of `listen:` serves: its routes and the delivery of its token endpoints. Adding an endpoint
/// to authd means adding its route here, for the listeners that should serve it.
struct ListenerRoutes {
    let listener: ListenerSettings
    let tokens: TokenService
    let browser: BrowserSupport

    func responder() -> RouterResponder {
        var router = Router()
        router.add(HealthRoute.make())
        TokenRoutes(service: tokens, delivery: delivery()).register(in: &router, prefix: listener.prefix)
        router.add(browser.forwardAuthRoute(for: listener))
        return router.build()
    }

    func delivery() -> any TokenDelivery {
        switch listener.delivery {
        case .json: return JSONDelivery()
        case .cookie: return browser.cookieDelivery(for: listener)
        }
    }
}
