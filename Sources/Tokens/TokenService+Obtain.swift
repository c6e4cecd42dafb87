import Dispatch
import JSON
import Platform
import Store

extension TokenService {
    /// `POST /api/token/`: a refresh token and an access token made from it, for valid credentials.
    public func obtainPair(_ credentials: Credentials, context: RequestContext,
                           completion: @escaping Completion<TokenPair>) {
        obtain(credentials, sliding: false, context: context, completion: reporting { result in
            completion(result.map { issued in TokenPair(refresh: issued.token, access: issued.access!) })
        })
    }

    /// `POST /api/token/sliding/`: a sliding token for valid credentials.
    public func obtainSliding(_ credentials: Credentials, context: RequestContext,
                              completion: @escaping Completion<IssuedToken>) {
        obtain(credentials, sliding: true, context: context, completion: reporting { result in completion(result.map(\.token)) })
    }

    private struct Issued: Sendable {
        let token: IssuedToken
        let access: IssuedToken?
    }

    /// Django's `ModelBackend.authenticate` plus SimpleJWT's user rule: the user is read first, then the
    /// password is checked on the hashing pool (an unknown user costs what a wrong password costs).
    private func obtain(_ credentials: Credentials, sliding: Bool, context: RequestContext,
                        completion: @escaping Completion<Issued>) {
        let events = self.events, throttle = self.throttle, clock = self.clock
        // Throttled attempts cost neither a store read nor a hash.
        if let wait = throttle?.wait(address: context.peer, username: credentials.username, now: clock.now()) {
            events.record(.loginFailed(username: credentials.username, reason: .throttled, context: context))
            return completion(.failure(.throttled(wait: wait)))
        }
        let refuse: @Sendable (LoginFailure) -> Void = { reason in
            throttle?.recordFailure(address: context.peer, username: credentials.username, now: clock.now())
            events.record(.loginFailed(username: credentials.username, reason: reason, context: context))
            completion(.failure(.noActiveAccount))
        }
        users.user(username: credentials.username) { [self] found in
            let user: User?
            switch found {
            case .success(let value): user = value
            case .failure(let error): return completion(.failure(storeFailure(error)))
            }
            // One queue per client address: a flood from one client cannot take every place in the pool.
            let admission = hashingPool.admit(key: context.peer) { [self] in
                guard let user else {
                    hasher.burnTime(credentials.password)
                    return refuse(.unknownUser)
                }
                let rehashed: String?
                switch hasher.verify(credentials.password, against: user.passwordHash) {
                case .invalid:
                    return refuse(.badPassword)
                case .valid(let needsRehash):
                    // Django's check_password setter: upgrade the stored hash to the configured hasher and cost.
                    rehashed = needsRehash ? try? hasher.encode(credentials.password) : nil
                }
                // ModelBackend refuses inactive users whatever CHECK_USER_IS_ACTIVE says.
                guard user.isActive else { return refuse(.inactive) }
                throttle?.recordSuccess(address: context.peer, username: credentials.username)
                let current = rehashed.map { User(replacingPasswordOf: user, with: $0) } ?? user
                evaluateClaims(for: current) { [self] result in
                    switch result {
                    case .success(let extra):
                        issue(for: current, extraClaims: extra, rehashed: rehashed != nil, sliding: sliding,
                              context: context, completion: completion)
                    case .failure(let error):
                        completion(.failure(error))
                    }
                }
            }
            switch admission {
            case .accepted:
                break
            case .full:
                completion(.failure(.hashingBusy))
            case .overShare:
                // This client already holds its share of the pool. Answered at once, a client that retries at once
                // (a flood) turns its 503s into a stream of cheap requests whose CPU starves the hashing of everyone
                // else's logins; answered a little later, each of its connections sends a few per second.
                DispatchQueue.global().asyncAfter(deadline: .now() + Self.overShareDelay) {
                    completion(.failure(.hashingBusy))
                }
            }
        }
    }

    /// How long a login refused because its client holds its share of the hashing pool waits for its 503.
    static let overShareDelay: DispatchTimeInterval = .milliseconds(250)

    /// Signs the tokens, then records the new one (with the login's changes to the user) before handing it out.
    private func issue(for user: User, extraClaims: JSONObject, rehashed: Bool, sliding: Bool,
                       context: RequestContext, completion: @escaping Completion<Issued>) {
        let time = clock.now()
        let payload = minter.payload(for: user, sliding: sliding, extraClaims: extraClaims, now: time)
        let issued: Issued
        do throws(TokenError) {
            let token = try sign(payload, kind: sliding ? .sliding : .refresh)
            let access = sliding ? nil : try sign(minter.accessPayload(from: payload, now: time), kind: .access)
            issued = Issued(token: token, access: access)
        } catch {
            return completion(.failure(error))
        }
        let login = LoginUpdate(userID: user.id, lastLogin: policy.updateLastLogin ? time : nil,
                                passwordHash: rehashed ? user.passwordHash : nil)
        let log = self.log, events = self.events
        tokens.recordLogin(record(of: payload, userID: user.id, createdAt: time), login: login) { [self] result in
            switch result {
            case .success:
                if rehashed { log.info("rehashed the password of user \(user.id) with the configured hasher") }
                events.record(.loginSucceeded(userID: user.id, username: user.username, context: context))
                events.record(.issued(kind: issued.token.kind))
                if let access = issued.access { events.record(.issued(kind: access.kind)) }
                completion(.success(issued))
            case .failure(let error):
                completion(.failure(storeFailure(error)))
            }
        }
    }
}

extension User {
    /// The user as it is once `passwordHash` is stored.
    init(replacingPasswordOf user: User, with passwordHash: String) {
        self = user
        self.passwordHash = passwordHash
    }
}
