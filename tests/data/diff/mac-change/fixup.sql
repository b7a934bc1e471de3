-- The identity (another part of netcensus) decided that the host with the
-- new MAC is host 1: move scan 2's rows of host 2 to host 1.
UPDATE host_scans SET host_id = 1 WHERE scan_id = 2 AND host_id = 2;
UPDATE ports SET host_id = 1 WHERE scan_id = 2 AND host_id = 2;
UPDATE services SET host_id = 1 WHERE scan_id = 2 AND host_id = 2;
UPDATE facts SET host_id = 1 WHERE scan_id = 2 AND host_id = 2;
UPDATE verdicts SET host_id = 1 WHERE scan_id = 2 AND host_id = 2;
UPDATE software SET host_id = 1 WHERE scan_id = 2 AND host_id = 2;
UPDATE hardware SET host_id = 1 WHERE scan_id = 2 AND host_id = 2;
