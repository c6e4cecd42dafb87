import API
import JOSE
import Settings
import Tokens

/// What one entry of `listen:` serves: its routes and the delivery of its token endpoints. Adding an endpoint
/// to authd means adding its route here, for the listeners that should serve it.
struct ListenerRoutes {
    let listener: ListenerSettings
    let tokens: TokenService
    let services: Services
    let keys: KeySettings
    let codec: JWTCodec
    let browser: BrowserSupport

    func responder() -> RouterResponder {
        var router = Router()
        let store = services.store
        router.add(HealthRoute.make(storeProbe: { done in
            store.isBlacklisted(jti: "authd-healthz-probe") { result in
                if case .success = result { done(true) } else { done(false) }
            }
        }))
        TokenRoutes(service: tokens, delivery: delivery()).register(in: &router, prefix: listener.prefix)
        router.add(browser.forwardAuthRoute(for: listener))
        // Only asymmetric keys are published; with HMAC alone there is nothing to serve and the path is a 404.
        let jwks = codec.jwks
        if !jwks.isEmpty {
            router.add(JWKSRoute.make(keys: jwks, maxAgeSeconds: Int(keys.jwksMaxAge.seconds)))
        }
        if listener.metrics { router.add(MetricsRoute.make(services.metrics)) }
        return router.build(metrics: services.metrics)
    }

    func delivery() -> any TokenDelivery {
        switch listener.delivery {
        case .json: return JSONDelivery()
        case .cookie: return browser.cookieDelivery(for: listener)
        }
    }
}
