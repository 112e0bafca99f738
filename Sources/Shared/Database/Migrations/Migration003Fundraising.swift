import GRDB

/// The fundraising tables (typed core columns plus a `custom` JSON object each), the field
/// catalog seeded with the core fields, and field-level history.
enum Migration003Fundraising {
    static let identifier = "003-fundraising"

    /// Columns every fundraising table has.
    static let common = """
        version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
        custom TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(custom) AND json_type(custom) = 'object'),
        created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
        updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
        created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
        last_modified_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
        deleted_at TEXT
        """

    static func jsonArray(_ column: String) -> String {
        "\(column) TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(\(column)) AND json_type(\(column)) = 'array')"
    }

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE fundraising_investors (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 500),
                    type TEXT CHECK (type IN ('family_office', 'endowment', 'foundation', 'pension', 'fund_of_funds',
                        'corporate', 'sovereign_wealth', 'individual', 'other')),
                    stage TEXT NOT NULL DEFAULT 'prospect' CHECK (stage IN ('prospect', 'intro', 'meeting', 'diligence',
                        'soft_circle', 'committed', 'closed', 'passed')),
                    owner_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    website TEXT,
                    \(Self.jsonArray("email_domains")),
                    location TEXT,
                    check_size_min INTEGER CHECK (check_size_min >= 0),
                    check_size_max INTEGER CHECK (check_size_max >= 0),
                    last_contacted_at TEXT,
                    next_step TEXT,
                    next_step_at TEXT,
                    \(Self.jsonArray("tags")),
                    notes TEXT,
                    \(Self.common)
                );
                CREATE INDEX fundraising_investors_live ON fundraising_investors (id) WHERE deleted_at IS NULL;
                CREATE INDEX fundraising_investors_stage ON fundraising_investors (stage) WHERE deleted_at IS NULL;

                CREATE TABLE fundraising_contacts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    investor_id INTEGER REFERENCES fundraising_investors (id) ON DELETE SET NULL,
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 500),
                    title TEXT,
                    \(Self.jsonArray("emails")),
                    phone TEXT,
                    linkedin_url TEXT,
                    notes TEXT,
                    is_primary INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
                    \(Self.common)
                );
                CREATE INDEX fundraising_contacts_investor ON fundraising_contacts (investor_id) WHERE deleted_at IS NULL;

                CREATE TABLE fundraising_funds (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 500),
                    vintage INTEGER CHECK (vintage BETWEEN 1900 AND 2200),
                    target_size INTEGER CHECK (target_size >= 0),
                    currency TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
                    first_close_date TEXT,
                    final_close_date TEXT,
                    status TEXT NOT NULL DEFAULT 'raising' CHECK (status IN ('planned', 'raising', 'closed')),
                    \(Self.common)
                );

                CREATE TABLE fundraising_commitments (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    investor_id INTEGER NOT NULL REFERENCES fundraising_investors (id),
                    fund_id INTEGER NOT NULL REFERENCES fundraising_funds (id),
                    amount INTEGER CHECK (amount >= 0),
                    currency TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
                    status TEXT NOT NULL DEFAULT 'soft_circle' CHECK (status IN ('soft_circle', 'committed', 'signed',
                        'wired', 'declined')),
                    committed_at TEXT,
                    signed_at TEXT,
                    wired_at TEXT,
                    notes TEXT,
                    \(Self.common)
                );
                CREATE INDEX fundraising_commitments_investor ON fundraising_commitments (investor_id) WHERE deleted_at IS NULL;
                CREATE INDEX fundraising_commitments_fund ON fundraising_commitments (fund_id) WHERE deleted_at IS NULL;

                CREATE TABLE fundraising_fields (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    table_name TEXT NOT NULL CHECK (table_name IN ('investors', 'contacts', 'funds', 'commitments')),
                    key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
                    label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
                    type TEXT NOT NULL CHECK (type IN ('text', 'long_text', 'number', 'currency', 'percent', 'date',
                        'datetime', 'checkbox', 'single_select', 'multi_select', 'email', 'url', 'phone', 'rating', 'link',
                        'formula', 'created_time', 'last_modified_time', 'last_modified_by')),
                    options TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options) AND json_type(options) = 'object'),
                    formula TEXT,
                    position INTEGER NOT NULL DEFAULT 0,
                    hidden_by_default INTEGER NOT NULL DEFAULT 0 CHECK (hidden_by_default IN (0, 1)),
                    is_core INTEGER NOT NULL DEFAULT 0 CHECK (is_core IN (0, 1)),
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    deleted_at TEXT
                );
                CREATE UNIQUE INDEX fundraising_fields_key ON fundraising_fields (table_name, key);

                CREATE TABLE record_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    table_name TEXT NOT NULL CHECK (table_name IN ('investors', 'contacts', 'funds', 'commitments')),
                    record_id INTEGER NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
                    field_key TEXT,
                    old_value TEXT CHECK (old_value IS NULL OR json_valid(old_value)),
                    new_value TEXT CHECK (new_value IS NULL OR json_valid(new_value)),
                    record_version INTEGER NOT NULL,
                    changed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    changed_at TEXT NOT NULL DEFAULT (\(Migrations.now))
                );
                CREATE INDEX record_history_record ON record_history (table_name, record_id, id);
                """
        )
        try Self.seedCoreFields(db)
    }

    /// (table, key, label, type, options JSON)
    static let coreFields: [(String, String, String, String, String)] = [
        ("investors", "name", "Name", "text", "{}"),
        (
            "investors", "type", "Type", "single_select",
            #"{"choices":["family_office","endowment","foundation","pension","fund_of_funds","corporate","sovereign_wealth","individual","other"]}"#
        ),
        (
            "investors", "stage", "Stage", "single_select",
            #"{"choices":["prospect","intro","meeting","diligence","soft_circle","committed","closed","passed"]}"#
        ),
        ("investors", "owner_id", "Owner", "link", #"{"table":"users"}"#),
        ("investors", "website", "Website", "url", "{}"),
        ("investors", "email_domains", "Email domains", "multi_select", #"{"free":true}"#),
        ("investors", "location", "Location", "text", "{}"),
        ("investors", "check_size_min", "Check size min", "currency", #"{"currency":"USD"}"#),
        ("investors", "check_size_max", "Check size max", "currency", #"{"currency":"USD"}"#),
        ("investors", "last_contacted_at", "Last contacted", "datetime", "{}"),
        ("investors", "next_step", "Next step", "text", "{}"),
        ("investors", "next_step_at", "Next step date", "date", "{}"),
        ("investors", "tags", "Tags", "multi_select", #"{"free":true}"#),
        ("investors", "notes", "Notes", "long_text", "{}"),
        ("contacts", "name", "Name", "text", "{}"),
        ("contacts", "investor_id", "Investor", "link", #"{"table":"investors"}"#),
        ("contacts", "title", "Title", "text", "{}"),
        ("contacts", "emails", "Emails", "multi_select", #"{"free":true,"format":"email"}"#),
        ("contacts", "phone", "Phone", "phone", "{}"),
        ("contacts", "linkedin_url", "LinkedIn", "url", "{}"),
        ("contacts", "notes", "Notes", "long_text", "{}"),
        ("contacts", "is_primary", "Primary contact", "checkbox", "{}"),
        ("funds", "name", "Name", "text", "{}"),
        ("funds", "vintage", "Vintage", "number", #"{"integer":true}"#),
        ("funds", "target_size", "Target size", "currency", #"{"currency":"USD"}"#),
        ("funds", "currency", "Currency", "text", "{}"),
        ("funds", "first_close_date", "First close", "date", "{}"),
        ("funds", "final_close_date", "Final close", "date", "{}"),
        ("funds", "status", "Status", "single_select", #"{"choices":["planned","raising","closed"]}"#),
        ("commitments", "investor_id", "Investor", "link", #"{"table":"investors"}"#),
        ("commitments", "fund_id", "Fund", "link", #"{"table":"funds"}"#),
        ("commitments", "amount", "Amount", "currency", #"{"currency":"USD"}"#),
        ("commitments", "currency", "Currency", "text", "{}"),
        (
            "commitments", "status", "Status", "single_select",
            #"{"choices":["soft_circle","committed","signed","wired","declined"]}"#
        ),
        ("commitments", "committed_at", "Committed on", "date", "{}"),
        ("commitments", "signed_at", "Signed on", "date", "{}"),
        ("commitments", "wired_at", "Wired on", "date", "{}"),
        ("commitments", "notes", "Notes", "long_text", "{}"),
    ]

    static func seedCoreFields(_ db: Database) throws {
        var positions: [String: Int] = [:]
        for (table, key, label, type, options) in Self.coreFields {
            let position = positions[table, default: 0]
            positions[table] = position + 1
            try db.execute(
                sql: """
                    INSERT INTO fundraising_fields (table_name, key, label, type, options, position, is_core)
                    VALUES (?, ?, ?, ?, ?, ?, 1)
                    """,
                arguments: [table, key, label, type, options, position]
            )
        }
    }
}
