// Package alerts tells supervisors and agency admins what must not go
// unnoticed: a new dead letter, a report the complaint API would not take, a
// report past its verification deadline, a new report in their agency.
//
// Sources append an Alert to one Redis stream (Notifier.Alert, at most once
// per alert id). One replica at a time (a bot/queue lease) runs the Batcher:
// every interval it polls the report store (Watcher) and then sends each
// recipient ONE message listing what came in since the last one — on
// Telegram through the outbound stream (the reply sender delivers it, with
// its limits and retries), and by email over SMTP — so a storm of thirty dead
// letters is one message a minute, not thirty.
//
// Who gets what: a supervisor every alert, an agency admin the alerts of
// their agency, a viewer none. The console's "Peringatan" page links an
// account's Telegram chat (a one-time code redeemed with /start adm_<code>)
// and turns email on; cmd/aduan hands the accounts in as a Directory.
//
// Keys (all under one hash tag, {alerts}, so scripts stay in one slot):
// <prefix>:{alerts}:stream, :once:<id>, :cursor, :batch, :done:<batch>:…,
// :mark:<source>, :lease.
package alerts
