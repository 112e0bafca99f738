import Shared

/// What the account commands (`create-admin`, `reset-admin-password`) start from: the API's
/// configuration, its database brought up to date, and account creation with the configured cost.
enum AdminCommandSupport {
    static func accounts() throws -> AccountCreation {
        let environment = try DaemonEnvironment.load(.api)
        let database = try environment.openDatabase()
        try database.migrate()
        return AccountCreation(database: database, hasher: PasswordHasher(cost: environment.config.bcryptCost))
    }
}
