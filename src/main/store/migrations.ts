// Numbered schema migrations. The file's version is PRAGMA user_version; migration i takes it from i to i + 1.
// Append new migrations at the end; never edit one that has shipped (files in the wild have run it).
import type Database from 'better-sqlite3'

export interface Migration {
  /** the user_version after this migration */
  version: number
  name: string
  sql: string
  /** rows rewritten in code after `sql` (in the same transaction), where SQL alone cannot say it exactly */
  rows?: (db: Database.Database) => void
  /** SQL run after `rows` */
  after?: string
}

/** PRAGMA application_id of a workbench workspace: 'IWB1' in ASCII, so other programs' SQLite files are told apart. */
export const APPLICATION_ID = 0x49574231

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'base schema',
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL -- JSON
      );
      CREATE TABLE tasks (
        id INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL,
        mjcf_hash TEXT NOT NULL,
        mujoco_version TEXT NOT NULL,
        first_used_at TEXT NOT NULL,
        last_used_at TEXT NOT NULL,
        UNIQUE (task_id, mjcf_hash, mujoco_version)
      );
      CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL,
        algo TEXT NOT NULL,
        warm_fraction REAL,
        oracle TEXT NOT NULL,
        budget INTEGER NOT NULL,
        seed INTEGER NOT NULL,
        cost_ratio REAL NOT NULL,
        schedule TEXT NOT NULL,
        loss TEXT NOT NULL,
        eval_every INTEGER NOT NULL,
        eval_episodes INTEGER NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE TABLE episodes (
        id INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL,
        session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('demonstration', 'rollout', 'evaluation')),
        complete INTEGER NOT NULL DEFAULT 0,
        ret REAL NOT NULL DEFAULT 0,
        steps INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE TABLE steps (
        id INTEGER PRIMARY KEY,
        episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        state BLOB NOT NULL,
        observation BLOB NOT NULL,
        action BLOB NOT NULL,
        reward REAL NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('demonstration', 'policy', 'query', 'intervention')),
        UNIQUE (episode_id, idx)
      );
      CREATE TABLE labels (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        source TEXT NOT NULL,
        cost REAL NOT NULL,
        observation BLOB NOT NULL,
        state BLOB,
        action BLOB NOT NULL,
        human_seconds REAL,
        episode_id INTEGER REFERENCES episodes(id) ON DELETE SET NULL,
        step_index INTEGER,
        created_at TEXT NOT NULL
      );
      CREATE TABLE queries (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        label_id INTEGER REFERENCES labels(id) ON DELETE SET NULL,
        issued_at REAL NOT NULL,
        first_input_at REAL,
        committed_at REAL,
        abandoned_at REAL,
        proposed_action BLOB NOT NULL,
        answer BLOB,
        disagreement REAL,
        operator TEXT
      );
      CREATE TABLE policies (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        labels INTEGER NOT NULL,
        backend TEXT NOT NULL,
        weights TEXT NOT NULL, -- JSON
        created_at TEXT NOT NULL
      );
      CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        labels INTEGER NOT NULL,
        cost REAL NOT NULL,
        human_seconds REAL NOT NULL,
        returns TEXT NOT NULL, -- JSON array of per-episode returns
        mean REAL NOT NULL,
        std REAL NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'crash recovery of recordings; indexes for the page and reports',
    sql: `
      -- interrupted: the recorder died before finish(); writer_pid: the process recording it, NULL once settled
      ALTER TABLE episodes ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE episodes ADD COLUMN writer_pid INTEGER;
      CREATE INDEX episodes_by_task ON episodes (task_id, kind, id);
      CREATE INDEX episodes_by_session ON episodes (session_id);
      -- covering index: per-session label count, cost and human seconds without touching the vectors
      CREATE INDEX labels_by_session ON labels (session_id, cost, human_seconds);
      CREATE INDEX labels_by_episode ON labels (episode_id);
      CREATE INDEX queries_by_session ON queries (session_id, issued_at);
      CREATE INDEX queries_by_label ON queries (label_id);
      CREATE INDEX policies_by_session ON policies (session_id, id);
      -- the cost curve: evaluations of a session in label order
      CREATE INDEX evaluations_by_session ON evaluations (session_id, labels, id);
      CREATE INDEX sessions_by_status ON sessions (status, id);
    `,
  },
  {
    version: 3,
    name: 'one session host: scratch epochs in the config, round checkpoints, leases',
    sql: `
      -- the scratch schedule's epochs are part of a session's configuration (NULL: the trainer's default)
      ALTER TABLE sessions ADD COLUMN epochs INTEGER;
      -- the state a session continues from after its last committed round (one row per session, replaced)
      CREATE TABLE session_checkpoints (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        labels INTEGER NOT NULL,
        state BLOB NOT NULL,
        created_at TEXT NOT NULL
      );
      -- who runs a session now: a session runs in one place at a time; a lease whose heartbeat is older than
      -- its time-to-live belongs to a process that died and may be taken over
      CREATE TABLE session_leases (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        token TEXT NOT NULL,
        owner TEXT NOT NULL,
        pid INTEGER NOT NULL,
        heartbeat_at REAL NOT NULL,
        ttl_ms REAL NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'demonstrations as offline labels: the offline source in the config, a session note, episode operators',
    sql: `
      -- the session's offline source as canonical JSON (shared/session-config.ts offlineKey); old sessions used the expert
      ALTER TABLE sessions ADD COLUMN offline TEXT NOT NULL DEFAULT '{"kind":"expert"}';
      -- what the session wants its reader to know (e.g. the demonstrations held fewer states than the offline share)
      ALTER TABLE sessions ADD COLUMN note TEXT;
      -- who recorded a demonstration (NULL: not given)
      ALTER TABLE episodes ADD COLUMN operator TEXT;
      CREATE INDEX labels_by_source ON labels (source, session_id);
    `,
  },
  {
    version: 5,
    name: 'episode tags (the dataset viewer)',
    sql: `
      -- a person's tags on an episode, as a JSON array of strings ('["good","slow start"]')
      ALTER TABLE episodes ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
    `,
  },
  {
    version: 6,
    name: 'studies: DAgger states per rollout and a task variant in the config',
    sql: `
      -- DAgger labelling m random states of each rollout (NULL: every visited state, the published DAgger)
      ALTER TABLE sessions ADD COLUMN dagger_states INTEGER;
      -- a planar walker's fall angle in radians (NULL: the task's own), the recoverability study's parameter
      ALTER TABLE sessions ADD COLUMN fall_angle REAL;
    `,
  },
  {
    version: 7,
    name: 'success rate beside the return in evaluations',
    sql: `
      -- share of the evaluation episodes that succeeded; NULL for tasks without a success condition
      ALTER TABLE evaluations ADD COLUMN success_rate REAL;
    `,
  },
  {
    version: 8,
    name: 'folder tasks: the files of tasks added to the workspace (task.json, MJCF, meshes, textures)',
    sql: `
      -- a workspace stays self-contained: its own tasks' files live in it, not in a folder that may move
      CREATE TABLE task_files (
        task_id TEXT NOT NULL,
        path TEXT NOT NULL,
        content BLOB NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (task_id, path)
      );
    `,
  },
  {
    version: 9,
    name: "the algorithm's version in the session config",
    sql: `
      -- which version of its algorithm a session ran (shared/session-config.ts ALGO_VERSIONS); sessions from before
      -- the stamp count as version 1 (DAgger with beta_1 = 1, WARM-STAGGER with its extra fit at the switch)
      ALTER TABLE sessions ADD COLUMN algo_version INTEGER NOT NULL DEFAULT 1;
    `,
  },
  {
    version: 10,
    name: 'fork checkpoints: a BC session keeps a few checkpoints for its WARM-STAGGER twins',
    sql: `
      -- a BC session's checkpoint at some evaluation points up to half its budget (shared/warm-fork.ts bounds them),
      -- kept beside the latest one: a WARM-STAGGER session with the same prefix copies one and continues from it
      CREATE TABLE session_fork_checkpoints (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        labels INTEGER NOT NULL,
        state BLOB NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (session_id, labels)
      );
    `,
  },
  {
    version: 11,
    name: "standardise: the learner's observation statistics, from the data or the expert's fixed ones",
    sql: `
      -- shared/session-config.ts Standardise; sessions stored before it standardised from their labels
      ALTER TABLE sessions ADD COLUMN standardise TEXT NOT NULL DEFAULT 'data';
    `,
  },
  {
    version: 12,
    name: "the learner's policy class in the session config, and each label's context (history, chunk)",
    sql: `
      -- shared/policy-config.ts policyKey: the class and its parameters as canonical JSON; every session stored
      -- before it learned the Gaussian MLP
      ALTER TABLE sessions ADD COLUMN policy TEXT NOT NULL DEFAULT '{"id":"mlp","params":{}}';
      -- the observations before a label's state and the actions after it (store/label-context.ts); NULL: none
      ALTER TABLE labels ADD COLUMN context BLOB;
    `,
  },
  {
    version: 13,
    name: 'coverage beside the success rate in evaluations',
    sql: `
      -- mean over the evaluation episodes of the coverage at each one's last step (push-t: the share of the goal T's
      -- area the block covers, the Push-T benchmark's measure); NULL for tasks without it and for older evaluations
      ALTER TABLE evaluations ADD COLUMN coverage REAL;
    `,
  },
  {
    version: 14,
    name: "the lease holder's host: a lease of a process that died on this machine is taken over at once",
    sql: `
      -- os.hostname() of the process that took the lease; on that host a lease whose pid is gone is taken over at
      -- once, elsewhere (and for NULL: leases taken before it) it expires after its time-to-live
      ALTER TABLE session_leases ADD COLUMN host TEXT;
    `,
  },
  {
    version: 15,
    name: "the algorithm's parameters as JSON in the session config (warm_fraction and dagger_states moved)",
    sql: `
      -- shared/algorithms.ts algoParamsKey: the parameters its descriptor's schema takes, every default filled, as
      -- canonical JSON; '{}' for the algorithms that take none
      ALTER TABLE sessions ADD COLUMN algo_params TEXT NOT NULL DEFAULT '{}';
    `,
    // JavaScript writes the numbers (JSON.stringify: the shortest text that reads back as the same double), so the
    // moved values are exactly the ones the code's key writes, and stored sessions are still found and reused.
    rows: (db) => {
      const set = db.prepare('UPDATE sessions SET algo_params = ? WHERE id = ?')
      const rows = db.prepare('SELECT id, algo, warm_fraction, dagger_states FROM sessions').all() as {
        id: number
        algo: string
        warm_fraction: number | null
        dagger_states: number | null
      }[]
      for (const r of rows) {
        if (r.algo === 'warm-stagger') set.run(JSON.stringify({ fraction: r.warm_fraction ?? 0.5 }), r.id)
        else if (r.algo === 'dagger') set.run(JSON.stringify({ states: r.dagger_states }), r.id)
        // the takeover sessions so far learned from the takeover steps alone, weighted alike
        else if (r.algo === 'hg-dagger') set.run(JSON.stringify({ before: 10, weighting: 'none' }), r.id)
      }
    },
    after: `
      ALTER TABLE sessions DROP COLUMN warm_fraction;
      ALTER TABLE sessions DROP COLUMN dagger_states;
    `,
  },
  {
    version: 16,
    name: "a person's labels beside the expert's action, and queries that were a context switch",
    sql: `
      -- the expert's action at a person's label's state (real or simulated person; learn/session-runner.ts
      -- asPerson), float64 BLOB like action: what iwb person measures a person against; NULL for the expert's labels
      -- and for labels stored before it
      ALTER TABLE labels ADD COLUMN expert_action BLOB;
      -- 1 when the robot turned to the person after driving on its own (Query.contextSwitch); 0 before it
      ALTER TABLE queries ADD COLUMN context_switch INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 17,
    name: 'episode versions: an edit (trim, split) makes new episodes and keeps the old ones, and can be undone',
    sql: `
      -- the episode this one is an edited version of (NULL: recorded or imported as it is)
      ALTER TABLE episodes ADD COLUMN version_of INTEGER REFERENCES episodes(id);
      -- 1: an edit replaced this episode by newer versions; lists leave it out, sessions that name it keep it
      ALTER TABLE episodes ADD COLUMN replaced INTEGER NOT NULL DEFAULT 0;
      -- the edits in the order made (store/episode-edits.ts): undo takes back the last one; JSON lists of
      -- episode ids, the ones it replaced and the ones it made
      CREATE TABLE episode_edits (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('trim', 'split')),
        replaced TEXT NOT NULL,
        made TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 18,
    name: 'edits that merge workspaces and mark steps bad: a step may be marked bad, an episode names where a merge took it from',
    sql: `
      -- 1: a person marked this step bad (iwb dataset mark-bad): it stays in the episode, learners skip it as a label
      ALTER TABLE steps ADD COLUMN bad INTEGER NOT NULL DEFAULT 0;
      -- JSON {workspace, episodeId} when iwb dataset merge brought this episode from another workspace (its file's
      -- name, never its path); NULL for episodes recorded or imported here
      ALTER TABLE episodes ADD COLUMN merged_from TEXT;
      -- episode_edits' kinds widened: SQLite cannot change a CHECK, so the table is made again with its rows
      CREATE TABLE episode_edits_18 (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('trim', 'split', 'merge', 'mark-bad')),
        replaced TEXT NOT NULL,
        made TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      INSERT INTO episode_edits_18 SELECT id, kind, replaced, made, created_at FROM episode_edits;
      DROP TABLE episode_edits;
      ALTER TABLE episode_edits_18 RENAME TO episode_edits;
    `,
  },
]

export const SCHEMA_VERSION = migrations[migrations.length - 1].version

/** Apply migrations from the file's version up to `target` (all by default), each in its own transaction. */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): number {
  let version = db.pragma('user_version', { simple: true }) as number
  for (const m of migrations) {
    if (m.version <= version || m.version > target) continue
    db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return
      db.exec(m.sql)
      m.rows?.(db)
      if (m.after) db.exec(m.after)
      if (m.version === 1) db.pragma(`application_id = ${APPLICATION_ID}`)
      db.pragma(`user_version = ${m.version}`)
    }).immediate()
    version = m.version
  }
  return version
}
