import ArgumentParser

/// crm-api: the HTTP API and web grid, the only process listening on TCP. It owns the schema and
/// migrates at start.
@main
struct CRMAPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-api",
        abstract: "Venture CRM HTTP API and web grid.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, CreateAdminCommand.self, ResetAdminPasswordCommand.self,
            ImportCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
