-- Bytes no writer would store (the writer cleans what it is given), put
-- there directly to show that the diff itself makes them safe: invalid
-- UTF-8, an overlong '<', a UTF-16 surrogate, U+FFFE, a C1 CSI, ESC, NUL
-- is not possible in SQLite text, so DEL and a lone continuation byte.
UPDATE software SET name = CAST(X'6261642dc0bc2deda0802defbfbe2dc29b2d1b5b306d2d7f2d80' AS TEXT)
  WHERE scan_id = 2 AND name = 'placeholder';
UPDATE verdicts SET value = CAST(X'4576696cc3' AS TEXT)
  WHERE scan_id = 2 AND field = 'os.name';
