"""The statements that make a new SQLite journal: the tables of ``journal_schema`` as
SQLAlchemy writes them for SQLite, kept here so that a new journal (a first use, a
restore into a new journal) is made without loading SQLAlchemy. Generated from the
declared tables: ``make generated`` rewrites it, ``make lint`` and a test fail when it
differs from them, and a test holds a journal made from it equal to one that every
migration built."""

# [[[cog
# from acupress.journal_schema import sqlite_statements, quoted
# cog.outl("TABLES = (")
# for statement in sqlite_statements():
#     lines = statement.splitlines(keepends=True)
#     if len(lines) == 1:
#         cog.outl(f"    {quoted(statement)},")
#         continue
#     cog.outl("    (")
#     for line in lines:
#         cog.outl(f"        {quoted(line)}")
#     cog.outl("    ),")
# cog.outl(")")
# ]]]
TABLES = (
    (
        "CREATE TABLE accounts (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tname VARCHAR(100) NOT NULL, \n"
        "\trole VARCHAR(20) NOT NULL, \n"
        "\tpassword_hash TEXT, \n"
        "\tcreated_at DATETIME NOT NULL, \n"
        "\tdisabled_at DATETIME, \n"
        "\tchanges BIGINT DEFAULT 0 NOT NULL, \n"
        "\tPRIMARY KEY (id), \n"
        "\tUNIQUE (name)\n"
        ")"
    ),
    (
        "CREATE TABLE failed_logins (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tname VARCHAR(100) NOT NULL, \n"
        "\taddress VARCHAR(64) NOT NULL, \n"
        "\tat DATETIME NOT NULL, \n"
        "\tPRIMARY KEY (id)\n"
        ")"
    ),
    "CREATE INDEX ix_failed_logins_address ON failed_logins (address)",
    "CREATE INDEX ix_failed_logins_name ON failed_logins (name)",
    (
        "CREATE TABLE access_log (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tperson_id INTEGER NOT NULL, \n"
        "\tpractitioner_id INTEGER NOT NULL, \n"
        "\twhat VARCHAR(200) NOT NULL, \n"
        "\tat DATETIME NOT NULL, \n"
        "\tPRIMARY KEY (id), \n"
        "\tFOREIGN KEY(person_id) REFERENCES accounts (id) ON DELETE CASCADE, \n"
        "\tFOREIGN KEY(practitioner_id) REFERENCES accounts (id) ON DELETE CASCADE\n"
        ")"
    ),
    "CREATE INDEX ix_access_log_person_id ON access_log (person_id)",
    (
        "CREATE TABLE checks (\n"
        "\towner_id INTEGER NOT NULL, \n"
        "\tday DATE NOT NULL, \n"
        "\tanswers TEXT NOT NULL, \n"
        "\tPRIMARY KEY (owner_id), \n"
        "\tFOREIGN KEY(owner_id) REFERENCES accounts (id) ON DELETE CASCADE\n"
        ")"
    ),
    (
        "CREATE TABLE events (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tuid VARCHAR(36) NOT NULL, \n"
        "\tkind VARCHAR(30) NOT NULL, \n"
        "\tat DATETIME NOT NULL, \n"
        "\tday DATE NOT NULL, \n"
        "\tnote TEXT NOT NULL, \n"
        "\towner_id INTEGER DEFAULT 1 NOT NULL, \n"
        "\tPRIMARY KEY (id), \n"
        "\tCONSTRAINT events_one_uid_per_owner UNIQUE (owner_id, uid), \n"
        "\tCONSTRAINT events_owner FOREIGN KEY(owner_id) REFERENCES accounts (id) ON DELETE CASCADE\n"
        ")"
    ),
    "CREATE INDEX ix_events_owner_id ON events (owner_id)",
    (
        "CREATE TABLE invitations (\n"
        "\tid INTEGER NOT NULL, \n"
        "\taccount_id INTEGER NOT NULL, \n"
        "\ttoken_hash VARCHAR(64) NOT NULL, \n"
        "\tcreated_at DATETIME NOT NULL, \n"
        "\texpires_at DATETIME NOT NULL, \n"
        "\tused_at DATETIME, \n"
        "\tPRIMARY KEY (id), \n"
        "\tFOREIGN KEY(account_id) REFERENCES accounts (id) ON DELETE CASCADE, \n"
        "\tUNIQUE (token_hash)\n"
        ")"
    ),
    (
        "CREATE TABLE logins (\n"
        "\tid INTEGER NOT NULL, \n"
        "\taccount_id INTEGER NOT NULL, \n"
        "\ttoken_hash VARCHAR(64) NOT NULL, \n"
        "\tcreated_at DATETIME NOT NULL, \n"
        "\tseen_at DATETIME NOT NULL, \n"
        "\texpires_at DATETIME NOT NULL, \n"
        "\trevoked_at DATETIME, \n"
        "\tPRIMARY KEY (id), \n"
        "\tFOREIGN KEY(account_id) REFERENCES accounts (id) ON DELETE CASCADE, \n"
        "\tUNIQUE (token_hash)\n"
        ")"
    ),
    "CREATE INDEX ix_logins_account_id ON logins (account_id)",
    (
        "CREATE TABLE profiles (\n"
        "\towner_id INTEGER NOT NULL, \n"
        "\tdata TEXT NOT NULL, \n"
        "\tupdated_at DATETIME NOT NULL, \n"
        "\tPRIMARY KEY (owner_id), \n"
        "\tFOREIGN KEY(owner_id) REFERENCES accounts (id) ON DELETE CASCADE\n"
        ")"
    ),
    (
        "CREATE TABLE ratings (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tuid VARCHAR(36) NOT NULL, \n"
        "\tday DATE NOT NULL, \n"
        "\tpain INTEGER NOT NULL, \n"
        "\tenjoyment INTEGER NOT NULL, \n"
        "\tactivity INTEGER NOT NULL, \n"
        "\trated_at DATETIME NOT NULL, \n"
        "\towner_id INTEGER DEFAULT 1 NOT NULL, \n"
        "\tPRIMARY KEY (id), \n"
        "\tCONSTRAINT rating_pain_0_10 CHECK (pain BETWEEN 0 AND 10), \n"
        "\tCONSTRAINT rating_enjoyment_0_10 CHECK (enjoyment BETWEEN 0 AND 10), \n"
        "\tCONSTRAINT rating_activity_0_10 CHECK (activity BETWEEN 0 AND 10), \n"
        "\tCONSTRAINT one_rating_a_day UNIQUE (owner_id, day), \n"
        "\tCONSTRAINT ratings_one_uid_per_owner UNIQUE (owner_id, uid), \n"
        "\tCONSTRAINT ratings_owner FOREIGN KEY(owner_id) REFERENCES accounts (id) ON DELETE CASCADE\n"
        ")"
    ),
    "CREATE INDEX ix_ratings_owner_id ON ratings (owner_id)",
    (
        "CREATE TABLE sessions (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tstarted_at DATETIME NOT NULL, \n"
        "\tday DATE NOT NULL, \n"
        "\tprotocol VARCHAR(100) NOT NULL, \n"
        "\tsource VARCHAR(10) NOT NULL, \n"
        "\tdecision VARCHAR(20), \n"
        "\tanswers TEXT, \n"
        "\tpain_before INTEGER, \n"
        "\tpain_after INTEGER, \n"
        "\tpoints VARCHAR(200) NOT NULL, \n"
        "\tseconds INTEGER NOT NULL, \n"
        "\tsensations VARCHAR(100) NOT NULL, \n"
        "\tstop_reason VARCHAR(20), \n"
        "\tstop_note TEXT NOT NULL, \n"
        "\tnote TEXT NOT NULL, \n"
        "\tended_at DATETIME, \n"
        "\tcomplete BOOLEAN NOT NULL, \n"
        "\tpressure VARCHAR(10), \n"
        "\tuid VARCHAR(36) NOT NULL, \n"
        "\tfront_end VARCHAR(10), \n"
        "\towner_id INTEGER DEFAULT 1 NOT NULL, \n"
        "\tPRIMARY KEY (id), \n"
        "\tCONSTRAINT pain_before_0_10 CHECK (pain_before BETWEEN 0 AND 10), \n"
        "\tCONSTRAINT pain_after_0_10 CHECK (pain_after BETWEEN 0 AND 10), \n"
        "\tCONSTRAINT sessions_owner FOREIGN KEY(owner_id) REFERENCES accounts (id) ON DELETE CASCADE\n"
        ")"
    ),
    "CREATE INDEX ix_sessions_day ON sessions (day)",
    "CREATE INDEX ix_sessions_owner_id ON sessions (owner_id)",
    "CREATE UNIQUE INDEX ix_sessions_owner_uid ON sessions (owner_id, uid)",
    (
        "CREATE TABLE share_codes (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tpractitioner_id INTEGER NOT NULL, \n"
        "\tcode_hash VARCHAR(64) NOT NULL, \n"
        "\tcreated_at DATETIME NOT NULL, \n"
        "\texpires_at DATETIME NOT NULL, \n"
        "\tPRIMARY KEY (id), \n"
        "\tFOREIGN KEY(practitioner_id) REFERENCES accounts (id) ON DELETE CASCADE, \n"
        "\tUNIQUE (code_hash)\n"
        ")"
    ),
    (
        "CREATE TABLE shares (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tperson_id INTEGER NOT NULL, \n"
        "\tpractitioner_id INTEGER NOT NULL, \n"
        "\tcreated_at DATETIME NOT NULL, \n"
        "\trevoked_at DATETIME, \n"
        "\tPRIMARY KEY (id), \n"
        "\tFOREIGN KEY(person_id) REFERENCES accounts (id) ON DELETE CASCADE, \n"
        "\tFOREIGN KEY(practitioner_id) REFERENCES accounts (id) ON DELETE CASCADE\n"
        ")"
    ),
    "CREATE INDEX ix_shares_person_id ON shares (person_id)",
    "CREATE INDEX ix_shares_practitioner_id ON shares (practitioner_id)",
    (
        "CREATE TABLE trials (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tuid VARCHAR(36) NOT NULL, \n"
        "\tstart DATE NOT NULL, \n"
        "\tweeks INTEGER NOT NULL, \n"
        "\tseed BIGINT NOT NULL, \n"
        "\tcreated_at DATETIME NOT NULL, \n"
        "\tstopped_on DATE, \n"
        "\tstop_reason TEXT, \n"
        "\towner_id INTEGER DEFAULT 1 NOT NULL, \n"
        "\tPRIMARY KEY (id), \n"
        "\tCONSTRAINT trials_one_uid_per_owner UNIQUE (owner_id, uid), \n"
        "\tCONSTRAINT trials_owner FOREIGN KEY(owner_id) REFERENCES accounts (id) ON DELETE CASCADE\n"
        ")"
    ),
    "CREATE INDEX ix_trials_owner_id ON trials (owner_id)",
    (
        "CREATE TABLE live_sessions (\n"
        "\tsession_id INTEGER NOT NULL, \n"
        "\towner_id INTEGER NOT NULL, \n"
        "\tstate TEXT NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tupdated_at DATETIME NOT NULL, \n"
        "\tPRIMARY KEY (session_id), \n"
        "\tFOREIGN KEY(session_id) REFERENCES sessions (id) ON DELETE CASCADE, \n"
        "\tFOREIGN KEY(owner_id) REFERENCES accounts (id) ON DELETE CASCADE\n"
        ")"
    ),
    "CREATE INDEX ix_live_sessions_owner_id ON live_sessions (owner_id)",
    (
        "CREATE TABLE steps (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tsession_id INTEGER NOT NULL, \n"
        "\tposition INTEGER NOT NULL, \n"
        "\tstep INTEGER NOT NULL, \n"
        "\tstep_id VARCHAR(100) NOT NULL, \n"
        "\tpoint VARCHAR(20), \n"
        "\tside VARCHAR(10), \n"
        "\tpressure VARCHAR(10), \n"
        "\tplanned_seconds INTEGER NOT NULL, \n"
        "\tseconds FLOAT NOT NULL, \n"
        "\tskipped BOOLEAN NOT NULL, \n"
        "\tcompleted_at DATETIME NOT NULL, \n"
        '\t"key" VARCHAR(64), \n'
        "\tPRIMARY KEY (id), \n"
        '\tCONSTRAINT one_record_per_step_key UNIQUE (session_id, "key"), \n'
        "\tFOREIGN KEY(session_id) REFERENCES sessions (id) ON DELETE CASCADE\n"
        ")"
    ),
)
# [[[end]]]
