import API
import Platform
import Settings
import Tokens

/// What one entry of `listen:` serves: its routes and the delivery of its token endpoints. Adding an endpoint
/// to authd means adding its route here, for the listeners that should serve it.
struct ListenerRoutes {
    let listener: ListenerSettings
    let tokens: TokenService
    var trustedProxies: [IPRange] = []

    func responder() -> RouterResponder {
        var router = Router()
        router.add(HealthRoute.make())
        TokenRoutes(service: tokens, delivery: delivery(), trustedProxies: trustedProxies)
            .register(in: &router, prefix: listener.prefix)
        return router.build()
    }

    func delivery() -> any TokenDelivery {
        switch listener.delivery {
        case .json: return JSONDelivery()
        }
    }
}
