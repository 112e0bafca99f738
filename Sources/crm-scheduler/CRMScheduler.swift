import ArgumentParser
import Logging
import Shared

/// crm-scheduler: time-based work — today the daily refresh of formulas that read the clock;
/// Gmail sync, the daily digest and time-based automations arrive with their issues. It never
/// sends mail itself; it queues into `outbound_mail` and wakes crm-mailer.
@main
struct CRMScheduler: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-scheduler",
        abstract: "Venture CRM scheduler: Gmail sync, daily digest, automations.",
        subcommands: [Serve.self, SetServiceAccountCommand.self, GoogleDoctorCommand.self],
        defaultSubcommand: Serve.self
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the scheduler until SIGTERM (the default).")

        func run() async throws {
            try await WorkerDaemon.main(.scheduler, configure: SchedulerWork.build)
        }
    }
}
