-- show-fixture.sql — a small inventory at schema version 4, for
-- tests/cli/show.test (`netcensus show` and `hosts` read it; nothing here
-- needs a scan).  Build it with: sqlite3 DB < show-fixture.sql
--
-- The schema below must stay the one src/inventory/db.c's migrations
-- create: tests/unit/test_facts_store.c compares the two.
--
-- Scan 1 (complete) saw web01 only; scan 2 (complete) saw web01, the
-- printer prn01 and a bare host; scan 3 is still running and must be
-- ignored by default.  Times are fixed (1700000000 = 2023-11-14T22:13:20Z).
-- A sysLocation carries an ESC sequence and a C1 CSI: `show` must print
-- them as '?'.  Addresses are from 198.18.0.0/15.  Schema 3 adds the
-- identity keys and the change log: web01's OS changed between scans 1
-- and 2; schema 4 adds the software arch and size columns.
-- tests/unit/test_identity.c turns this back into a schema 2
-- database (dropping the schema 3 tables) to test the migration.

PRAGMA foreign_keys = ON;
BEGIN;

CREATE TABLE scans (
  id INTEGER PRIMARY KEY,
  started_at REAL,
  finished_at REAL,
  status TEXT NOT NULL
    CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),
  targets TEXT,
  target_count INTEGER,
  command TEXT,
  pid INTEGER,
  hosts_up INTEGER,
  packets_sent INTEGER,
  replies INTEGER,
  unprivileged INTEGER,
  note TEXT
);
CREATE INDEX scans_status ON scans(status, id);
CREATE TABLE hosts (
  id INTEGER PRIMARY KEY,
  mac TEXT,
  address TEXT,
  first_seen REAL,
  last_seen REAL,
  first_scan INTEGER REFERENCES scans(id),
  last_scan INTEGER REFERENCES scans(id)
);
CREATE INDEX hosts_mac ON hosts(mac);
CREATE INDEX hosts_address ON hosts(address, last_seen);
CREATE TABLE host_scans (
  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,
  host_id INTEGER REFERENCES hosts(id),
  address TEXT NOT NULL,
  address_int INTEGER NOT NULL,
  address_reason TEXT,
  mac TEXT,
  mac_source TEXT,
  reasons TEXT,
  ttl INTEGER,
  rtt_us INTEGER,
  on_link INTEGER,
  seen_at REAL,
  PRIMARY KEY (scan_id, host_id)
);
CREATE UNIQUE INDEX host_scans_address ON host_scans(scan_id, address_int);
CREATE INDEX host_scans_host ON host_scans(host_id);
CREATE TABLE ports (
  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,
  host_id INTEGER REFERENCES hosts(id),
  proto TEXT,
  port INTEGER,
  state TEXT,
  reason TEXT,
  ttl INTEGER,
  PRIMARY KEY (scan_id, host_id, proto, port)
);
CREATE TABLE services (
  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,
  host_id INTEGER REFERENCES hosts(id),
  proto TEXT,
  port INTEGER,
  name TEXT,
  product TEXT,
  version TEXT,
  info TEXT,
  banner TEXT,
  source TEXT,
  PRIMARY KEY (scan_id, host_id, proto, port)
);
CREATE TABLE facts (
  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,
  host_id INTEGER REFERENCES hosts(id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  source TEXT NOT NULL,
  confidence INTEGER
);
CREATE INDEX facts_host ON facts(scan_id, host_id);
CREATE TABLE verdicts (
  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,
  host_id INTEGER REFERENCES hosts(id),
  field TEXT,
  value TEXT,
  source TEXT,
  confidence INTEGER,
  PRIMARY KEY (scan_id, host_id, field)
);
CREATE INDEX verdicts_value ON verdicts(field, value COLLATE NOCASE);
CREATE TABLE software (
  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,
  host_id INTEGER REFERENCES hosts(id),
  name TEXT NOT NULL,
  version TEXT,
  vendor TEXT,
  install_date TEXT,
  source TEXT,
  arch TEXT,
  size_bytes INTEGER
);
CREATE INDEX software_host ON software(scan_id, host_id);
CREATE TABLE hardware (
  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,
  host_id INTEGER REFERENCES hosts(id),
  kind TEXT NOT NULL,
  name TEXT,
  vendor TEXT,
  model TEXT,
  serial TEXT,
  firmware TEXT,
  extra TEXT,
  size_bytes INTEGER,
  used_bytes INTEGER,
  source TEXT
);
CREATE INDEX hardware_host ON hardware(scan_id, host_id);
CREATE VIEW snmp_facts AS
  SELECT scan_id, host_id, key, value, confidence FROM facts WHERE source = 'snmp';
CREATE TABLE host_keys (
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  first_scan INTEGER,
  last_scan INTEGER,
  PRIMARY KEY (kind, value, host_id)
);
CREATE INDEX host_keys_host ON host_keys(host_id, kind);
CREATE TABLE host_changes (
  id INTEGER PRIMARY KEY,
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  field TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT
);
CREATE INDEX host_changes_host ON host_changes(host_id, scan_id);
CREATE INDEX host_changes_scan ON host_changes(scan_id);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,
  host_id INTEGER REFERENCES hosts(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  detail TEXT,
  at REAL
);
CREATE INDEX events_scan ON events(scan_id);
CREATE INDEX events_host ON events(host_id);
CREATE INDEX hosts_first_scan ON hosts(first_scan);
CREATE INDEX hosts_last_scan ON hosts(last_scan);
PRAGMA user_version = 4;

INSERT INTO scans (id, started_at, finished_at, status, targets, target_count, command, pid,
                   hosts_up, packets_sent, replies, unprivileged, note) VALUES
  (1, 1699990000, 1699990010, 'complete', '198.18.1.0/24', 256,
   'netcensus scan 198.18.1.0/24', 100, 1, 600, 3, 0, NULL),
  (2, 1700000000, 1700000042.5, 'complete', '198.18.1.0/24', 256,
   'netcensus scan 198.18.1.0/24', 200, 3, 900, 12, 0, NULL),
  (3, 1700100000, NULL, 'running', '198.18.1.0/24', 256,
   'netcensus scan 198.18.1.0/24', 300, NULL, NULL, NULL, 0, NULL);

INSERT INTO hosts (id, mac, address, first_seen, last_seen, first_scan, last_scan) VALUES
  (1, '00:50:56:12:01:0a', '198.18.1.10', 1699990001, 1700100001, 1, 3),
  (2, '02:00:c6:12:01:14', '198.18.1.20', 1700000002, 1700000002, 2, 2),
  (3, NULL, '198.18.1.30', 1700000003, 1700000003, 2, 2);

INSERT INTO host_scans (scan_id, host_id, address, address_int, address_reason, mac, mac_source,
                        reasons, ttl, rtt_us, on_link, seen_at) VALUES
  (1, 1, '198.18.1.10', 3323068682, 'arp-response', '00:50:56:12:01:0a', 'arp-response',
   'arp-response', NULL, 900, 1, 1699990001),
  (2, 1, '198.18.1.10', 3323068682, 'arp-response', '00:50:56:12:01:0a', 'arp-response',
   'arp-response,echo-reply,syn-ack', 64, 420, 1, 1700000001),
  (2, 2, '198.18.1.20', 3323068692, 'arp-response', '02:00:c6:12:01:14', 'arp-response',
   'arp-response,udp-response', 255, 1250, 1, 1700000002),
  (2, 3, '198.18.1.30', 3323068702, 'echo-reply', NULL, NULL,
   'echo-reply', 63, 2000, 0, 1700000003),
  (3, 1, '198.18.1.10', 3323068682, 'arp-response', '00:50:56:12:01:0a', 'arp-response',
   'arp-response', 64, 500, 1, 1700100001);

INSERT INTO ports (scan_id, host_id, proto, port, state, reason, ttl) VALUES
  (2, 1, 'tcp', 22, 'open', 'syn-ack', 64),
  (2, 1, 'tcp', 80, 'open', 'syn-ack', 64),
  (2, 1, 'tcp', 443, 'closed', 'reset', 64),
  (2, 2, 'udp', 161, 'open', 'udp-response', 255);

-- scan 1: web01 before its upgrade
INSERT INTO verdicts (scan_id, host_id, field, value, source, confidence) VALUES
  (1, 1, 'hostname', 'web01', 'snmp', 90),
  (1, 1, 'os.name', 'Ubuntu 20.04.6 LTS', 'snmp', 85);

-- scan 2
INSERT INTO verdicts (scan_id, host_id, field, value, source, confidence) VALUES
  (2, 1, 'hostname', 'web01', 'snmp', 90),
  (2, 1, 'domain', 'lab.example', 'snmp', 80),
  (2, 1, 'os.family', 'Linux', 'snmp', 68),
  (2, 1, 'os.name', 'Ubuntu', 'snmp', 85),
  (2, 1, 'os.version', '22.04', 'snmp', 85),
  (2, 1, 'device.type', 'server', 'snmp', 54),
  (2, 1, 'virtual', 'yes', 'mac-vendor', 72),
  (2, 1, 'hw.vendor', 'VMware, Inc.', 'mac-vendor', 90),
  (2, 2, 'hostname', 'prn01', 'snmp', 90),
  (2, 2, 'device.type', 'printer', 'snmp', 80),
  (2, 2, 'hw.vendor', 'HP', 'snmp', 85),
  (2, 2, 'hw.model', 'LaserJet M404dn', 'snmp', 85);

INSERT INTO facts (scan_id, host_id, key, value, source, confidence) VALUES
  (2, 1, 'discovery.ttl', '64', 'discovery', 20),
  (2, 1, 'os.family', 'Linux', 'discovery', 20),
  (2, 1, 'mac.vendor', 'VMware, Inc.', 'mac-vendor', 90),
  (2, 1, 'snmp.sysDescr', 'Linux web01 5.15.0-91-generic #101-Ubuntu SMP x86_64', 'snmp', 100),
  (2, 1, 'snmp.sysName', 'web01', 'snmp', 100),
  (2, 1, 'snmp.sysLocation', 'Rack 4' || char(27) || '[31m red' || char(155) || '0m', 'snmp', 100),
  (2, 1, 'host.name', 'web01', 'snmp', 90),
  (2, 1, 'host.domain', 'lab.example', 'snmp', 80),
  (2, 1, 'os.name', 'Ubuntu', 'snmp', 85),
  (2, 1, 'os.version', '22.04', 'snmp', 85),
  (2, 1, 'hw.memory_bytes', '4294967296', 'snmp', 100),
  (2, 2, 'mac.vendor', 'HP Inc.', 'mac-vendor', 90),
  (2, 2, 'snmp.sysDescr', 'HP ETHERNET MULTI-ENVIRONMENT,JETDIRECT,JD153', 'snmp', 100),
  (2, 2, 'host.name', 'prn01', 'snmp', 90),
  (2, 2, 'hw.vendor', 'HP', 'snmp', 85),
  (2, 2, 'hw.model', 'LaserJet M404dn', 'snmp', 85);

INSERT INTO services (scan_id, host_id, proto, port, name, product, version, info, banner,
                      source) VALUES
  (2, 1, 'tcp', 22, 'ssh', 'OpenSSH', '8.9p1', NULL, 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.4',
   'banner'),
  (2, 1, 'tcp', 80, 'http', 'nginx', '1.18.0', 'title: Welcome to nginx!', 'nginx/1.18.0 (Ubuntu)',
   'banner'),
  (2, 2, 'udp', 161, 'snmp', NULL, NULL, NULL, NULL, 'snmp');

INSERT INTO software (scan_id, host_id, name, version, vendor, install_date, source) VALUES
  (2, 1, 'openssh-server', '1:8.9p1-3ubuntu0.4', NULL, '2023-10-02', 'snmp'),
  (2, 1, 'nginx', '1.18.0-6ubuntu14.4', NULL, '2023-09-12T10:11:12', 'snmp'),
  (2, 1, 'libc6', '2.35-0ubuntu3.4', NULL, NULL, 'snmp');

INSERT INTO hardware (scan_id, host_id, kind, name, vendor, model, serial, firmware, extra,
                      size_bytes, used_bytes, source) VALUES
  (2, 1, 'storage', '/', NULL, NULL, NULL, NULL, 'type=fixed', 21474836480, 8589934592, 'snmp'),
  (2, 1, 'cpu', 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz', 'Intel', NULL, NULL, NULL, 'load=3',
   NULL, NULL, 'snmp'),
  (2, 1, 'cpu', 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz', 'Intel', NULL, NULL, NULL, 'load=7',
   NULL, NULL, 'snmp'),
  (2, 1, 'memory', 'Physical memory', NULL, NULL, NULL, NULL, NULL, 4294967296, 1073741824,
   'snmp'),
  (2, 1, 'nic', 'ens160', 'VMware', NULL, NULL, NULL, 'mac=00:50:56:12:01:0a;addr=198.18.1.10',
   NULL, NULL, 'snmp'),
  (2, 2, 'printer', 'HP LaserJet M404dn', 'HP', 'M404dn', 'PHBQ123456', '002.2310A', NULL,
   NULL, NULL, 'snmp');

-- identity (schema 3): the keys the writer recorded, and the change log
INSERT INTO host_keys (host_id, kind, value, first_scan, last_scan) VALUES
  (1, 'mac', '00:50:56:12:01:0a', 1, 3),
  (1, 'hostname', 'web01', 1, 2),
  (2, 'mac', '02:00:c6:12:01:14', 2, 2),
  (2, 'hostname', 'prn01', 2, 2);

INSERT INTO host_changes (host_id, scan_id, field, old_value, new_value) VALUES
  (1, 2, 'os.name', 'Ubuntu 20.04.6 LTS', 'Ubuntu');

COMMIT;
