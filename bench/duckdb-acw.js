// bench/duckdb-acw.js: the DuckDB baseline for `make bench`: the ACW rows
// of bench/acw.jq (each event's ENDED previous contacts that its current
// snapshot no longer lists; no validation, no duplicate check, no state)
// from read_json over an NDJSON file with its columns declared, in one SQL
// query, written as agentev's TSV.
//
// usage: node bench/duckdb-acw.js MODULE THREADS FILE
//        node bench/duckdb-acw.js MODULE version
//
// MODULE is the directory of the @duckdb/node-api package (bench/run.sh
// installs it into .cache/duckdb).  The rows go to standard output; the
// seconds the query took inside the process (from sending the SQL to the
// last row in memory: no start of node, no loading of DuckDB, no writing)
// go to standard error as "query SECONDS".
'use strict';

const [moduleDir, threads, file] = process.argv.slice(2);
const { DuckDBInstance, version } = require(moduleDir);

if (threads === 'version') {
	console.log(version());
	process.exit(0);
}

// the columns the query reads, declared, so that nothing is sampled
const columns = `{
	AgentARN: 'VARCHAR',
	EventTimestamp: 'VARCHAR',
	EventType: 'VARCHAR',
	CurrentAgentSnapshot: 'STRUCT(Configuration STRUCT(Username VARCHAR),
	    Contacts STRUCT(ContactId VARCHAR)[])',
	PreviousAgentSnapshot: 'STRUCT(Contacts STRUCT(ContactId VARCHAR,
	    Channel VARCHAR, InitiationMethod VARCHAR, Queue STRUCT(Name VARCHAR),
	    State VARCHAR, StateStartTimestamp VARCHAR)[])'
}`.replace(/\s+/g, ' ');

// acw.jq's ms: the first 19 characters as UTC, plus the milliseconds
const ms = (t) => `(epoch_ms(strptime(substr(${t}, 1, 19),
    '%Y-%m-%dT%H:%M:%S')) + CAST(substr(${t}, 21, 3) AS BIGINT))`;

const sql = `
WITH e AS (
	SELECT AgentARN, EventTimestamp, EventType,
	    CurrentAgentSnapshot.Configuration.Username AS username,
	    list_transform(coalesce(CurrentAgentSnapshot.Contacts, []),
	        x -> x.ContactId) AS cur,
	    unnest(PreviousAgentSnapshot.Contacts) AS c
	FROM read_json('${file.replace(/'/g, "''")}',
	    format = 'newline_delimited', columns = ${columns})
), d AS (
	SELECT *, ${ms('EventTimestamp')} - ${ms('c.StateStartTimestamp')} AS dur
	FROM e
	WHERE c.State = 'ENDED' AND NOT list_contains(cur, c.ContactId)
)
SELECT AgentARN, username, c.ContactId, c.Channel, c.InitiationMethod,
    coalesce(c.Queue.Name, ''), c.StateStartTimestamp, EventTimestamp,
    CAST(floor(dur / 1000) AS BIGINT) || '.' ||
        lpad(CAST(dur % 1000 AS VARCHAR), 3, '0'),
    CASE WHEN EventType = 'LOGOUT' THEN 'LOGOUT' ELSE 'CLEARED' END
FROM d`;

// jq's @tsv escapes
const tsv = (v) => v === null ? '' : String(v).replace(/[\\\t\n\r]/g,
    (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]);

(async () => {
	const db = await DuckDBInstance.create(':memory:',
	    { threads: String(threads) });
	const conn = await db.connect();
	await conn.run(`SET threads = ${Number(threads)}`);
	const start = process.hrtime.bigint();
	const reader = await conn.runAndReadAll(sql);
	const rows = reader.getRows();
	const secs = Number(process.hrtime.bigint() - start) / 1e9;
	const out = rows.map((r) => r.map(tsv).join('\t')).join('\n');
	process.stdout.write(out + (rows.length ? '\n' : ''));
	process.stderr.write(`query ${secs.toFixed(3)}\n`);
})().catch((e) => {
	process.stderr.write(`duckdb-acw: ${e.message}\n`);
	process.exit(1);
});
