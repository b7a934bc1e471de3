/*
 * ssh_script.h — the inventory collectors that the SSH layer runs remotely.
 *
 * One script per kind of remote shell, each a single round trip that writes
 * nothing on the target and prints the sectioned format ssh_parse.h reads:
 *   - POSIX sh (Linux, FreeBSD, OpenBSD, macOS): send ssh_script_sh() on
 *     stdin to `sh -s`; set NETCENSUS_SUDO=1 in its environment (e.g.
 *     `NETCENSUS_SUDO=1 sh -s`) to let it try `sudo -n` for the root-only
 *     DMI serial and UUID. Never a password.
 *   - Windows OpenSSH: run ssh_script_powershell_command()'s command line
 *     (powershell -NoProfile -NonInteractive -EncodedCommand ...). It fits
 *     cmd.exe's 8191-character limit; if a longer script ever does not,
 *     ssh_script_powershell_stdin_command() runs a short loader that reads
 *     the script from stdin instead.
 * The texts are kept here as constants and, identical, in scripts/ for
 * reading and review (a unit test holds them equal).
 */
#ifndef NC_FINGERPRINT_SSH_SCRIPT_H
#define NC_FINGERPRINT_SSH_SCRIPT_H

#include <stddef.h>

/* The POSIX sh collector (scripts/inventory.sh). Static, never NULL. */
const char *ssh_script_sh(void);

/* The PowerShell collector (scripts/inventory.ps1). Static, never NULL. */
const char *ssh_script_powershell(void);

/*
 * "powershell -NoProfile -NonInteractive -EncodedCommand B64", B64 being
 * base64 of script (UTF-8) as UTF-16LE. *out is NULL on failure, else the
 * caller frees it. Returns 0, NC_ERR_INVALID (script not valid UTF-8) or
 * NC_ERR_NOMEM.
 */
int ssh_script_encode_powershell(const char *script, char **out);

/* The command line for ssh_script_powershell(); as above. */
int ssh_script_powershell_command(char **out);

/* An encoded loader that reads and runs a script sent on stdin; as above. */
int ssh_script_powershell_stdin_command(char **out);

#endif
