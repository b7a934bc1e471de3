#include "config.h"

/*
 * test_appnorm.c — application name, publisher and version normalisation
 * on real names as the Windows Uninstall keys, SNMP hrSWInstalledTable,
 * dpkg/rpm, snap, flatpak and macOS report them, with the shipped rules
 * (data/vdi-rules.conf) and without any rule; the rule file parser's
 * errors; version ordering; the flags.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "export/appnorm.h"
#include "util/compat.h"
#include "util/err.h"

#define RULES_PATH NC_TEST_DATA "/../../data/vdi-rules.conf"

static appnorm_rules *shipped;

static int load_shipped(void **state)
{
	int r = appnorm_rules_load(RULES_PATH, &shipped);

	if (r != 0)
		fprintf(stderr, "# %s\n", nc_errmsg(r));
	return r;
}

static int free_shipped(void **state)
{
	appnorm_rules_free(shipped);
	return 0;
}

typedef struct {
	const char *name, *version, *publisher; /* as recorded */
	const char *want_name, *want_version, *want_publisher;
} app_case;

/* Real names, as installed software reports them. */
static const app_case cases[] = {
    /* Firefox, every way it shows up */
    {"Mozilla Firefox (x64 en-US)", "118.0", "Mozilla", "Mozilla Firefox", "118.0", "Mozilla"},
    {"Mozilla Firefox (x64 en-US) 118.0", NULL, NULL, "Mozilla Firefox", "118.0", "Mozilla"},
    {"Mozilla Firefox 118.0.1 (x64 en-US)", "118.0.1", "Mozilla", "Mozilla Firefox", "118.0.1",
     "Mozilla"},
    {"Mozilla Firefox 118.0.1", NULL, NULL, "Mozilla Firefox", "118.0.1", "Mozilla"},
    {"Mozilla Firefox ESR (x64 de)", "115.3.1", "Mozilla", "Mozilla Firefox", "115.3.1", "Mozilla"},
    {"Mozilla Firefox (x86 fr)", "117.0", "Mozilla", "Mozilla Firefox", "117.0", "Mozilla"},
    {"firefox", "118.0.1+build1-0ubuntu0.22.04.1",
     "Ubuntu Mozilla Team <ubuntu-mozillateam@lists.ubuntu.com>", "Mozilla Firefox",
     "118.0.1+build1-0ubuntu0.22.04.1", "Mozilla"},
    {"firefox-esr", "115.3.1esr-1~deb12u1", "Maintainers of Mozilla-related packages",
     "Mozilla Firefox", "115.3.1esr-1~deb12u1", "Mozilla"},
    {"org.mozilla.firefox", "118.0.1", "flathub", "Mozilla Firefox", "118.0.1", "Mozilla"},
    {"Firefox", "118.0.1", NULL, "Mozilla Firefox", "118.0.1", "Mozilla"},
    {"Mozilla Maintenance Service", "118.0.1", "Mozilla", "Mozilla Maintenance Service", "118.0.1",
     "Mozilla"},
    /* Chrome, Edge */
    {"Google Chrome", "117.0.5938.150", "Google LLC", "Google Chrome", "117.0.5938.150", "Google"},
    {"google-chrome-stable", "117.0.5938.149-1", "Chrome Linux Team <chromium-dev@chromium.org>",
     "Google Chrome", "117.0.5938.149-1", "Google"},
    {"Microsoft Edge", "117.0.2045.60", "Microsoft Corporation", "Microsoft Edge", "117.0.2045.60",
     "Microsoft"},
    {"Microsoft Edge WebView2 Runtime", "117.0.2045.60", "Microsoft Corporation",
     "Microsoft Edge WebView2 Runtime", "117.0.2045.60", "Microsoft"},
    /* Office 365 / Microsoft 365 Apps */
    {"Microsoft 365 Apps for enterprise - en-us", "16.0.16731.20234", "Microsoft Corporation",
     "Microsoft 365 Apps", "16.0.16731.20234", "Microsoft"},
    {"Microsoft 365 Apps for business - de-de", "16.0.16731.20234", "Microsoft Corporation",
     "Microsoft 365 Apps", "16.0.16731.20234", "Microsoft"},
    {"Microsoft Office 365 ProPlus - en-us", "16.0.11929.20300", "Microsoft Corporation",
     "Microsoft 365 Apps", "16.0.11929.20300", "Microsoft"},
    {"Microsoft 365 - en-us", "16.0.16731.20234", "Microsoft Corporation", "Microsoft 365 Apps",
     "16.0.16731.20234", "Microsoft"},
    {"Microsoft Office Professional Plus 2016", "16.0.4266.1001", "Microsoft Corporation",
     "Microsoft Office Professional Plus 2016", "16.0.4266.1001", "Microsoft"},
    {"Microsoft Office Professional Plus 2019 - en-us", "16.0.10401.20025", "Microsoft Corporation",
     "Microsoft Office Professional Plus 2019", "16.0.10401.20025", "Microsoft"},
    /* Visual C++ redistributables: one application per year and arch */
    {"Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.36.32532", "14.36.32532.0",
     "Microsoft Corporation", "Microsoft Visual C++ 2015-2022 Redistributable (x64)",
     "14.36.32532.0", "Microsoft"},
    {"Microsoft Visual C++ 2015-2022 Redistributable (x86) - 14.36.32532", "14.36.32532.0",
     "Microsoft Corporation", "Microsoft Visual C++ 2015-2022 Redistributable (x86)",
     "14.36.32532.0", "Microsoft"},
    {"Microsoft Visual C++ 2015-2019 Redistributable (x64) - 14.29.30133", "14.29.30133.0",
     "Microsoft Corporation", "Microsoft Visual C++ 2015-2022 Redistributable (x64)",
     "14.29.30133.0", "Microsoft"},
    {"Microsoft Visual C++ 2010  x64 Redistributable - 10.0.40219", "10.0.40219",
     "Microsoft Corporation", "Microsoft Visual C++ 2010 Redistributable (x64)", "10.0.40219",
     "Microsoft"},
    {"Microsoft Visual C++ 2010  x86 Redistributable - 10.0.40219", "10.0.40219",
     "Microsoft Corporation", "Microsoft Visual C++ 2010 Redistributable (x86)", "10.0.40219",
     "Microsoft"},
    {"Microsoft Visual C++ 2008 Redistributable - x86 9.0.30729.6161", "9.0.30729.6161",
     "Microsoft Corporation", "Microsoft Visual C++ 2008 Redistributable (x86)", "9.0.30729.6161",
     "Microsoft"},
    {"Microsoft Visual C++ 2013 Redistributable (x64) - 12.0.40664", "12.0.40664.0",
     "Microsoft Corporation", "Microsoft Visual C++ 2013 Redistributable (x64)", "12.0.40664.0",
     "Microsoft"},
    {"Microsoft Visual C++ 2013 x64 Minimum Runtime - 12.0.40664", "12.0.40664",
     "Microsoft Corporation", "Microsoft Visual C++ 2013 Redistributable (x64)", "12.0.40664",
     "Microsoft"},
    {"Microsoft Visual C++ 2022 X64 Additional Runtime - 14.36.32532", "14.36.32532",
     "Microsoft Corporation", "Microsoft Visual C++ 2015-2022 Redistributable (x64)", "14.36.32532",
     "Microsoft"},
    /* Adobe */
    {"Adobe Acrobat Reader DC - English", "23.006.20320", "Adobe Systems Incorporated",
     "Adobe Acrobat Reader", "23.006.20320", "Adobe"},
    {"Adobe Acrobat Reader DC MUI", "23.006.20320", "Adobe Systems Incorporated",
     "Adobe Acrobat Reader", "23.006.20320", "Adobe"},
    {"Adobe Acrobat Reader - Deutsch", "23.006.20320", "Adobe", "Adobe Acrobat Reader",
     "23.006.20320", "Adobe"},
    {"Adobe Acrobat (64-bit)", "23.006.20320", "Adobe", "Adobe Acrobat", "23.006.20320", "Adobe"},
    /* Java */
    {"Java 8 Update 381 (64-bit)", "8.0.3810.9", "Oracle Corporation", "Java 8 (x64)", "8.0.3810.9",
     "Oracle"},
    {"Java 8 Update 371", "8.0.3710.11", "Oracle Corporation", "Java 8", "8.0.3710.11", "Oracle"},
    {"Java(TM) 6 Update 45", "6.0.450", "Sun Microsystems, Inc.", "Java 6", "6.0.450", "Oracle"},
    /* small utilities */
    {"7-Zip 23.01 (x64)", "23.01", "Igor Pavlov", "7-Zip", "23.01", "Igor Pavlov"},
    {"7-Zip 19.00 (x64 edition)", "19.00.00.0", "Igor Pavlov", "7-Zip", "19.00.00.0",
     "Igor Pavlov"},
    {"7-Zip 9.20", "9.20.00.0", "Igor Pavlov", "7-Zip", "9.20.00.0", "Igor Pavlov"},
    {"7zip", "23.01+dfsg-8", "Debian Multimedia", "7-Zip", "23.01+dfsg-8", "Igor Pavlov"},
    {"Notepad++ (64-bit x64)", "8.5.8", "Notepad++ Team", "Notepad++", "8.5.8", "Notepad++ Team"},
    {"Notepad++ (32-bit x86)", "7.9.5", "Notepad++ Team", "Notepad++", "7.9.5", "Notepad++ Team"},
    {"VLC media player", "3.0.18", "VideoLAN", "VLC media player", "3.0.18", "VideoLAN"},
    {"vlc", "3.0.18-2", "Debian Multimedia Maintainers", "VLC media player", "3.0.18-2",
     "VideoLAN"},
    {"PuTTY release 0.79 (64-bit)", "0.79.0.0", "Simon Tatham", "PuTTY", "0.79.0.0",
     "Simon Tatham"},
    {"WinRAR 6.23 (64-bit)", "6.23.0", "win.rar GmbH", "WinRAR", "6.23.0", "win.rar"},
    {"Git", "2.42.0.2", "The Git Development Community", "Git", "2.42.0.2",
     "The Git Development Community"},
    {"Python 3.11.4 (64-bit)", "3.11.4150.0", "Python Software Foundation", "Python", "3.11.4150.0",
     "Python Software Foundation"},
    /* conferencing */
    {"Zoom", "5.16.2 (22807)", "Zoom Video Communications, Inc.", "Zoom", "5.16.2 (22807)", "Zoom"},
    {"Zoom(64bit)", "5.16.2.22807", "Zoom Video Communications, Inc.", "Zoom", "5.16.2.22807",
     "Zoom"},
    {"Zoom Workplace (64-bit)", "6.0.11", "Zoom Video Communications, Inc.", "Zoom", "6.0.11",
     "Zoom"},
    {"zoom", "5.16.2.8", "Zoom Video Communications, Inc. <support@zoom.us>", "Zoom", "5.16.2.8",
     "Zoom"},
    {"Microsoft Teams", "1.6.00.26474", "Microsoft Corporation", "Microsoft Teams", "1.6.00.26474",
     "Microsoft"},
    {"Teams Machine-Wide Installer", "1.6.0.18681", "Microsoft Corporation", "Microsoft Teams",
     "1.6.0.18681", "Microsoft"},
    {"Microsoft Teams classic", "1.7.00.7956", "Microsoft", "Microsoft Teams", "1.7.00.7956",
     "Microsoft"},
    {"teams", "1.5.00.23861", "Microsoft Corporation <teams@microsoft.com>", "Microsoft Teams",
     "1.5.00.23861", "Microsoft"},
    {"Microsoft Teams Meeting Add-in for Microsoft Office", "1.23.25002", "Microsoft",
     "Microsoft Teams Meeting Add-in", "1.23.25002", "Microsoft"},
    /* VS Code */
    {"Microsoft Visual Studio Code", "1.83.0", "Microsoft Corporation",
     "Microsoft Visual Studio Code", "1.83.0", "Microsoft"},
    {"Microsoft Visual Studio Code (User)", "1.83.0", "Microsoft Corporation",
     "Microsoft Visual Studio Code", "1.83.0", "Microsoft"},
    {"code", "1.83.0-1696350811", "Visual Studio Code Team <vscode-linux@microsoft.com>",
     "Microsoft Visual Studio Code", "1.83.0-1696350811", "Microsoft"},
    {"Visual Studio Code", "1.83.0", NULL, "Microsoft Visual Studio Code", "1.83.0", "Microsoft"},
    /* LibreOffice */
    {"LibreOffice 7.5.5.2", "7.5.5.2", "The Document Foundation", "LibreOffice", "7.5.5.2",
     "The Document Foundation"},
    {"libreoffice-writer", "4:7.5.5-1", "Debian LibreOffice Maintainers", "LibreOffice", "7.5.5-1",
     "The Document Foundation"},
    {"libreoffice-calc:amd64", "1:7.3.7-0ubuntu0.22.04.3", "Ubuntu Developers", "LibreOffice",
     "7.3.7-0ubuntu0.22.04.3", "The Document Foundation"},
    /* packages without a mapping keep their name */
    {"openssh-server", "1:9.2p1-2", "Debian OpenSSH Maintainers <debian-ssh@lists.debian.org>",
     "openssh-server", "9.2p1-2", "Debian"},
    {"libc6:i386", "2.36-9", "GNU Libc Maintainers", "libc6", "2.36-9", "GNU Libc Maintainers"},
    {"bash", "5.2.15-2+b2", NULL, "bash", "5.2.15-2+b2", ""},
    /* names that must survive */
    {"Microsoft .NET Framework 4.8", "4.8.04084", "Microsoft Corporation",
     "Microsoft .NET Framework", "4.8.04084", "Microsoft"},
    {"Microsoft Windows Desktop Runtime - 7.0.11 (x64)", "7.0.11.32825", "Microsoft Corporation",
     "Microsoft Windows Desktop Runtime (x64)", "7.0.11.32825", "Microsoft"},
    {"Cisco Secure Client - AnyConnect VPN", "5.0.03072", "Cisco Systems, Inc.",
     "Cisco Secure Client", "5.0.03072", "Cisco"},
    {"CrowdStrike Windows Sensor", "7.05.17706.0", "CrowdStrike, Inc.", "CrowdStrike Falcon Sensor",
     "7.05.17706.0", "CrowdStrike"},
    {"HP Universal Printing PCL 6", "7.0.1", "HP", "HP Universal Printing PCL 6", "7.0.1", "HP"},
    {"Intel(R) Network Connections 27.8.0.3", "27.8.0.3", "Intel", "Intel Network Connections",
     "27.8.0.3", "Intel"},
    {"VMware Tools", "12.2.5.21855600", "VMware, Inc.", "VMware Tools", "12.2.5.21855600",
     "VMware"},
    {"Citrix Workspace 2309", "23.9.0.24", "Citrix Systems, Inc.", "Citrix Workspace", "23.9.0.24",
     "Citrix"},
    {"Microsoft Office 2016", NULL, "Microsoft", "Microsoft Office 2016", "", "Microsoft"},
    {"Slack (Machine - MSI)", "4.34.119", "Slack Technologies Inc.", "Slack", "4.34.119", "Slack"},
    {"KeePass Password Safe 2.55", "2.55", "Dominik Reichl", "KeePass Password Safe", "2.55",
     "Dominik Reichl"},
    {"Wireshark 4.0.10 64-bit", "4.0.10",
     "The Wireshark developer community, https://www.wireshark.org", "Wireshark", "4.0.10",
     "The Wireshark developer community"},
    {"Microsoft SQL Server 2019 (64-bit)", NULL, "Microsoft Corporation",
     "Microsoft SQL Server 2019", "", "Microsoft"},
    {"Windows Subsystem for Linux", "1.2.5.0", "Microsoft Corporation",
     "Windows Subsystem for Linux", "1.2.5.0", "Microsoft"},
    {"Dell SupportAssist", "3.14.2.45", "Dell Inc.", "Dell SupportAssist", "3.14.2.45", "Dell"},
    {"FileZilla 3.66.1", "3.66.1", "Tim Kosse", "FileZilla", "3.66.1", "Tim Kosse"},
};

static void normalise_real_names(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const app_case *c = &cases[i];
		appnorm_result res;

		appnorm_app(shipped, c->name, c->version, c->publisher, &res);
		if (res.ignored || strcmp(res.name, c->want_name) != 0 ||
		    strcmp(res.version, c->want_version) != 0 ||
		    strcmp(res.publisher, c->want_publisher) != 0)
			fail_msg("'%s' -> '%s' / '%s' / '%s'%s; want '%s' / '%s' / '%s'", c->name,
				 res.name, res.version, res.publisher,
				 res.ignored ? " (ignored)" : "", c->want_name, c->want_version,
				 c->want_publisher);
	}
}

/* Names that normalise to one application share the key. */
static void same_key(void **state)
{
	static const char *const groups[][5] = {
	    {"Mozilla Firefox (x64 en-US) 118.0", "Mozilla Firefox 118.0.1", "firefox-esr",
	     "MOZILLA FIREFOX", "Mozilla Firefox (x86 de)"},
	    {"Microsoft 365 Apps for enterprise - en-us", "Microsoft Office 365 ProPlus - de-de",
	     "Microsoft 365 - fr-fr", "Microsoft 365 Apps for business - en-us", NULL},
	};

	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		appnorm_result first, other;

		appnorm_app(shipped, groups[g][0], NULL, NULL, &first);
		for (size_t i = 1; i < 5 && groups[g][i]; i++) {
			appnorm_app(shipped, groups[g][i], NULL, NULL, &other);
			if (strcmp(first.key, other.key) != 0)
				fail_msg("'%s' (%s) and '%s' (%s) should be one application",
					 groups[g][0], first.key, groups[g][i], other.key);
		}
	}
}

static void ignored_names(void **state)
{
	static const char *const names[] = {
	    "KB5031356",
	    "Security Update for Microsoft Office 2016 (KB5002502) 64-Bit Edition",
	    "Update for Microsoft Office 2016 (KB4484103) 32-Bit Edition",
	    "gpg-pubkey",
	    "",
	    NULL,
	};
	appnorm_result res;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		appnorm_app(shipped, names[i], NULL, NULL, &res);
		if (!res.ignored)
			fail_msg("'%s' should be ignored, got '%s'", names[i] ? names[i] : "(null)",
				 res.name);
	}
	appnorm_app(shipped, "Microsoft Update Health Tools", "5.72.0.0", "Microsoft Corporation",
		    &res);
	assert_false(res.ignored);
}

/* Without rules only the shapes apply: decorations and versions go, names
 * are not mapped and publishers keep their name minus the legal form. */
static void without_rules(void **state)
{
	appnorm_result res;

	appnorm_app(NULL, "Mozilla Firefox (x64 en-US) 118.0", NULL, "Mozilla Corporation", &res);
	assert_string_equal(res.name, "Mozilla Firefox");
	assert_string_equal(res.version, "118.0");
	assert_string_equal(res.publisher, "Mozilla");
	assert_string_equal(res.arch, "x64");
	appnorm_app(NULL, "firefox-esr", "115.3.1esr-1", NULL, &res);
	assert_string_equal(res.name, "firefox-esr");
	appnorm_app(NULL, "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.36.32532",
		    NULL, "Microsoft Corp.", &res);
	assert_string_equal(res.name, "Microsoft Visual C++ 2015-2022 Redistributable");
	assert_string_equal(res.version, "14.36.32532");
	assert_string_equal(res.publisher, "Microsoft");
	/* "Update N" keeps the number in front; years stay */
	appnorm_app(NULL, "Java 8 Update 381", "8.0.3810.9", NULL, &res);
	assert_string_equal(res.name, "Java 8");
	appnorm_app(NULL, "Microsoft Office 2016", "16.0.4266.1001", NULL, &res);
	assert_string_equal(res.name, "Microsoft Office 2016");
	/* a bare number equal to the version's major goes */
	appnorm_app(NULL, "Mozilla Firefox 118", "118.0", NULL, &res);
	assert_string_equal(res.name, "Mozilla Firefox");
	/* but not when it is something else */
	appnorm_app(NULL, "Microsoft 365", "16.0.1", NULL, &res);
	assert_string_equal(res.name, "Microsoft 365");
	/* never the last word */
	appnorm_app(NULL, "1.2.3", NULL, NULL, &res);
	assert_string_equal(res.name, "1.2.3");
	appnorm_app(NULL, "(x64)", NULL, NULL, &res);
	assert_string_equal(res.name, "(x64)");
	/* the key folds case */
	appnorm_app(NULL, "Notepad++", NULL, NULL, &res);
	assert_string_equal(res.key, "notepad++");
}

static void publishers(void **state)
{
	static const char *const pairs[][2] = {
	    {"Microsoft Corporation", "Microsoft"},
	    {"Microsoft Corp.", "Microsoft"},
	    {"Microsoft", "Microsoft"},
	    {"Microsoft Windows", "Microsoft"},
	    {"Google LLC", "Google"},
	    {"Google, Inc.", "Google"},
	    {"Adobe Systems Incorporated", "Adobe"},
	    {"Adobe Inc.", "Adobe"},
	    {"Oracle Corporation", "Oracle"},
	    {"Oracle America, Inc.", "Oracle"},
	    {"Zoom Video Communications, Inc.", "Zoom"},
	    {"VMware, Inc.", "VMware"},
	    {"Hewlett-Packard Company", "HP"},
	    {"HP Inc.", "HP"},
	    {"Dell Inc.", "Dell"},
	    {"Intel(R) Corporation", "Intel"},
	    {"Realtek Semiconductor Corp.", "Realtek"},
	    {"Igor Pavlov", "Igor Pavlov"},
	    {"win.rar GmbH", "win.rar"},
	    {"TeamViewer Germany GmbH", "TeamViewer"},
	    {"Sophos Limited", "Sophos"},
	    {"Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", "Canonical"},
	    {"Debian QA Group <packages@qa.debian.org>", "Debian"},
	    {"Some Vendor GmbH & Co. KG", "Some Vendor"},
	    {"Acme Pty Ltd", "Acme"},
	    {"  ", ""},
	};
	char out[APPNORM_NAME_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		appnorm_publisher(shipped, pairs[i][0], out, sizeof(out));
		if (strcmp(out, pairs[i][1]) != 0)
			fail_msg("publisher '%s' -> '%s', want '%s'", pairs[i][0], out,
				 pairs[i][1]);
	}
	appnorm_publisher(shipped, NULL, out, sizeof(out));
	assert_string_equal(out, "");
}

static void versions(void **state)
{
	char out[APPNORM_VERSION_MAX];

	appnorm_version("1:9.2p1-2", out, sizeof(out));
	assert_string_equal(out, "9.2p1-2");
	appnorm_version(" v2.3.4 ", out, sizeof(out));
	assert_string_equal(out, "2.3.4");
	appnorm_version(NULL, out, sizeof(out));
	assert_string_equal(out, "");
	appnorm_version("12:", out, sizeof(out));
	assert_string_equal(out, "12:");

	assert_true(appnorm_version_cmp("9.0", "10.0") < 0);
	assert_true(appnorm_version_cmp("10.0", "10.0.1") < 0);
	assert_true(appnorm_version_cmp("1.2", "1.2a") < 0);
	assert_true(appnorm_version_cmp("118.0.1", "118.0") > 0);
	assert_int_equal(appnorm_version_cmp("1.02", "1.2"), 0);
	assert_true(appnorm_version_cmp("23.01", "9.20") > 0);
	assert_int_equal(appnorm_version_cmp("", ""), 0);
}

static void flags(void **state)
{
	static const char *const flagged[][2] = {
	    {"Symantec Endpoint Protection", "antivirus"},
	    {"Sophos Endpoint Agent", "antivirus"},
	    {"CrowdStrike Falcon Sensor", "edr"},
	    {"Cisco Secure Client", "vpn"},
	    {"Cisco AnyConnect Secure Mobility Client", "vpn"},
	    {"GlobalProtect", "vpn"},
	    {"FortiClient VPN", "vpn"},
	    {"OpenVPN", "vpn"},
	    {"HP Universal Printing PCL 6", "printer-driver"},
	    {"Canon Generic Plus PCL6 Printer Driver", "printer-driver"},
	    {"Realtek High Definition Audio Driver", "device-driver"},
	    {"VMware Tools", "platform-agent"},
	    {"Citrix Virtual Delivery Agent 2203 LTSR", "platform-agent"},
	};
	static const char *const clean[] = {"Mozilla Firefox", "7-Zip", "Microsoft 365 Apps",
					    "Notepad++", "Google Chrome"};
	const char *reason;

	for (size_t i = 0; i < ARRAY_SIZE(flagged); i++) {
		const char *f = appnorm_flag(shipped, flagged[i][0], &reason);

		if (f == NULL || strcmp(f, flagged[i][1]) != 0)
			fail_msg("'%s' flagged '%s', want '%s'", flagged[i][0], f ? f : "(none)",
				 flagged[i][1]);
		assert_non_null(reason);
		assert_true(strlen(reason) > 10);
	}
	for (size_t i = 0; i < ARRAY_SIZE(clean); i++) {
		if (appnorm_flag(shipped, clean[i], &reason) != NULL)
			fail_msg("'%s' should carry no flag", clean[i]);
		assert_null(reason);
	}
}

static void parse_errors(void **state)
{
	static const struct {
		const char *text, *message;
	} bad[] = {
	    {"foo = bar\n", "t.conf:1: rule before any [section]"},
	    {"[rename]\n\nfoo\n", "t.conf:3: [rename] wants 'PATTERN = NAME'"},
	    {"[flag]\nfoo* = Bad Flag | reason\n", "t.conf:2: flag 'Bad Flag' must be"},
	    {"[flag]\nfoo* = vpn\n", "t.conf:2: [flag] wants 'PATTERN = FLAG | REASON'"},
	    {"[ignore]\nfoo = bar\n", "t.conf:2: [ignore] takes a pattern alone"},
	    {"# x\n[nosuch]\n", "t.conf:2: unknown section 'nosuch'"},
	    {"[rename\n", "t.conf:1: section header without ']'"},
	    {"[rename]\n = x\n", "t.conf:2: empty pattern"},
	    {"[rename]\nx = \n", "t.conf:2: nothing after '='"},
	};
	appnorm_rules *rules = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int r = appnorm_rules_parse(bad[i].text, strlen(bad[i].text), "t.conf", &rules);

		assert_int_equal(r, NC_ERR_INVALID);
		assert_null(rules);
		if (strncmp(nc_errmsg(r), bad[i].message, strlen(bad[i].message)) != 0)
			fail_msg("'%s': message '%s', want '%s...'", bad[i].text, nc_errmsg(r),
				 bad[i].message);
	}
}

static void parse_good(void **state)
{
	static const char text[] = "# comment\r\n"
				   "[rename]\r\n"
				   "  Foo* = Foo Suite | Foo Labs  \r\n"
				   "[flag]\n"
				   "*Foo Suite* = kernel-driver | has a driver\n"
				   "[decoration]\n"
				   "Deluxe\n";
	appnorm_rules *rules = NULL;
	appnorm_result res;
	const char *reason;

	assert_int_equal(appnorm_rules_parse(text, strlen(text), "t.conf", &rules), 0);
	assert_int_equal(appnorm_rules_count(rules), 3);
	appnorm_app(rules, "Foo Pro 2.0 Deluxe", NULL, "Someone", &res);
	assert_string_equal(res.name, "Foo Suite");
	assert_string_equal(res.publisher, "Foo Labs");
	assert_string_equal(res.version, "2.0");
	assert_string_equal(appnorm_flag(rules, res.name, &reason), "kernel-driver");
	assert_string_equal(reason, "has a driver");
	appnorm_rules_free(rules);

	assert_int_equal(appnorm_rules_load("/nonexistent/vdi-rules.conf", &rules), NC_ERR_IO);
	assert_null(rules);
	assert_true(appnorm_rules_count(shipped) > 300);
}

/* Hostile bytes come out as valid, printable UTF-8 within the bounds. */
static void hostile_input(void **state)
{
	char longname[4096];
	appnorm_result res;
	char out[16];

	appnorm_app(NULL, "Evil\x1b[31m App\xff\xfe 1.0", NULL,
		    "Bad\x07"
		    "Corp",
		    &res);
	assert_string_equal(res.name, "Evil?[31m App??");
	assert_string_equal(res.publisher, "Bad?Corp");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	appnorm_app(NULL, longname, longname, longname, &res);
	assert_int_equal(strlen(res.name), APPNORM_NAME_MAX - 1);
	assert_int_equal(strlen(res.version), APPNORM_VERSION_MAX - 1);
	/* cut at a character boundary: "é" is two bytes */
	appnorm_clean("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", out,
		      sizeof(out));
	assert_int_equal(strlen(out), 14);
	appnorm_clean("a\xc2\x85z \xed\xa0\x80", out, sizeof(out)); /* C1 control, surrogate */
	assert_string_equal(out, "a?z ???");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(normalise_real_names),
	    cmocka_unit_test(same_key),
	    cmocka_unit_test(ignored_names),
	    cmocka_unit_test(without_rules),
	    cmocka_unit_test(publishers),
	    cmocka_unit_test(versions),
	    cmocka_unit_test(flags),
	    cmocka_unit_test(parse_errors),
	    cmocka_unit_test(parse_good),
	    cmocka_unit_test(hostile_input),
	};

	return cmocka_run_group_tests(tests, load_shipped, free_shipped);
}
