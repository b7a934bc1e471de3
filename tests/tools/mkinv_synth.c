#include "config.h"

/*
 * mkinv_synth.c — a synthetic fleet, written through the same writer path
 * as a spec, for benchmarks and for tests that need volume.
 *
 *   mkinv --db FILE --synth HOSTS [--packages N] [--seed S] [--scans K]
 *                              [--churn PCT]
 *
 * HOSTS hosts in 198.18.0.0/15 (200 to a /24), each with a MAC, a hostname
 * and a profile: Windows 10/11 workstations, Windows Servers, Debian,
 * Ubuntu and RHEL servers, a few printers and switches. Each computer has
 * a role (office, developer, finance, engineering, call-centre desktops;
 * web, database, file and domain controller Windows servers; web,
 * database, file and container Linux servers) whose core applications
 * nearly every member has, some of its extras, a little noise (a core
 * application missing, an odd one more) and the organisation's image; see
 * host_fill_packages(). Computers carry
 * about N packages (N +-10%) from a catalogue of real-looking names:
 * Windows applications with their publishers ("Mozilla Firefox (x64
 * en-US)", runtimes, drivers) and hotfixes (KB numbers, as the SSH
 * inventory lists them); Linux packages named as dpkg or rpm names them,
 * with distribution-style versions. Also hardware (CPU, memory, disks,
 * file systems with use, NICs; printer and chassis entries), open ports
 * and services with banners, and the facts the fingerprinters produce
 * (os.*, hw.* with vendor/model/serial/uuid and virtual or not, the SMB
 * domain of Windows hosts, SNMP system facts of printers and switches).
 *
 * K scans (default 1), one day apart from 2026-01-05T02:00:00Z. Before
 * each scan after the first, the fleet churns by PCT percent (default 5):
 * about PCT% of hosts are gone and as many new ones appear, PCT/2% move to
 * a new address (same MAC), and on each remaining computer about PCT% of
 * the packages are upgraded, PCT/4% removed and as many installed; PCT%
 * of the hosts get a new version of a service. The result depends only on
 * the options: the same seed gives the same database (except the pid the
 * writer records).
 *
 * Memory stays bounded: the fleet is kept as small integers (catalogue
 * index, version index, install day per package) and the fingerprint
 * records are built and handed to the writer SYNTH_BATCH hosts at a time.
 * For each scan mkinv prints one line with the rows written and where the
 * time went (generating records vs the writer).
 */

#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mkinv.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/parse.h"
#include "util/timeutil.h"

#define SYNTH_BATCH 250
#define SYNTH_MAX_HOSTS 50000
#define SYNTH_BASE_IP 0xc6120000u /* 198.18.0.0 */
#define SYNTH_SLOTS (512u * 200u) /* 200 addresses in each /24 of the /15 */
#define SYNTH_EPOCH 1767578400.0  /* 2026-01-05T02:00:00Z: the first scan */
#define SYNTH_DAY0 18993	  /* 2022-01-01 in days since 1970: install dates */

/* ---- randomness ------------------------------------------------------------ */

/* splitmix64: small, fast, and a pure function of the state. */
static uint64_t rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A stream for one purpose: the same (seed, a, b, c) gives the same draws. */
static uint64_t rnd_stream(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t s = seed ^ 0x6a09e667f3bcc909ull;

	s ^= rnd_next(&s) + a;
	s ^= rnd_next(&s) + b;
	s ^= rnd_next(&s) + c;
	return s;
}

static uint32_t rnd_below(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(rnd_next(s) % n) : 0;
}

/* true with probability pct/100 (pct may be fractional). */
static bool rnd_pct(uint64_t *s, double pct)
{
	return (double)(rnd_next(s) >> 11) * (1.0 / 9007199254740992.0) * 100.0 < pct;
}

/* ---- the catalogue ------------------------------------------------------- */

enum { PLAT_WINDOWS, PLAT_LINUX, PLAT__COUNT };

/* Which hosts an item suits. */
#define FOR_DESK 1u /* Windows workstations */
#define FOR_SRV 2u  /* Windows servers */
#define FOR_WIN (FOR_DESK | FOR_SRV)
#define FOR_DEB 4u /* Debian, Ubuntu */
#define FOR_RPM 8u /* RHEL */
#define FOR_LNX (FOR_DEB | FOR_RPM)

/*
 * A curated entry: name ("{v}" stands for the version, for names that
 * carry it), vendor, versions oldest first separated by ';', how many
 * hosts of the kind have it (percent; 100 = every one), and for whom.
 * Linux versions are upstream versions; the distribution adds its suffix.
 */
typedef struct {
	const char *name, *vendor, *versions;
	uint8_t pop;
	uint8_t mask;
} catalogue_entry;

static const catalogue_entry windows_apps[] = {
    {"Microsoft Edge", "Microsoft Corporation", "119.0.2151.97;120.0.2210.91;120.0.2210.121", 100,
     FOR_WIN},
    {"Microsoft Edge Update", "", "1.3.181.5;1.3.183.29", 100, FOR_WIN},
    {"Microsoft Edge WebView2 Runtime", "Microsoft Corporation",
     "119.0.2151.97;120.0.2210.91;120.0.2210.121", 100, FOR_WIN},
    {"Microsoft Update Health Tools", "Microsoft Corporation", "3.72.0.0;3.74.0.0", 90, FOR_WIN},
    {"Microsoft Visual C++ 2015-2022 Redistributable (x64) - {v}", "Microsoft Corporation",
     "14.36.32532;14.38.33130", 95, FOR_WIN},
    {"Microsoft Visual C++ 2015-2022 Redistributable (x86) - {v}", "Microsoft Corporation",
     "14.36.32532;14.38.33130", 85, FOR_WIN},
    {"Microsoft Visual C++ 2013 Redistributable (x64) - {v}", "Microsoft Corporation",
     "12.0.30501;12.0.40664", 60, FOR_WIN},
    {"Microsoft Visual C++ 2013 Redistributable (x86) - {v}", "Microsoft Corporation",
     "12.0.30501;12.0.40664", 50, FOR_WIN},
    {"Microsoft Visual C++ 2012 Redistributable (x64) - {v}", "Microsoft Corporation", "11.0.61030",
     45, FOR_WIN},
    {"Microsoft Visual C++ 2010  x64 Redistributable - {v}", "Microsoft Corporation", "10.0.40219",
     40, FOR_WIN},
    {"Microsoft Visual C++ 2008 Redistributable - x64 {v}", "Microsoft Corporation",
     "9.0.30729.6161", 30, FOR_WIN},
    {"Microsoft .NET Runtime - {v} (x64)", "Microsoft Corporation", "6.0.25;6.0.26;8.0.1", 70,
     FOR_WIN},
    {"Microsoft Windows Desktop Runtime - {v} (x64)", "Microsoft Corporation",
     "6.0.25;6.0.26;8.0.1", 65, FOR_DESK},
    {"Microsoft ASP.NET Core {v} - Shared Framework (x64)", "Microsoft Corporation",
     "6.0.25;6.0.26;8.0.1", 40, FOR_SRV},
    {"Microsoft 365 Apps for enterprise - en-us", "Microsoft Corporation",
     "16.0.16924.20150;16.0.17029.20108;16.0.17126.20132", 75, FOR_DESK},
    {"Microsoft OneDrive", "Microsoft Corporation", "23.226.1031.0003;23.246.1127.0002", 90,
     FOR_DESK},
    {"Microsoft Teams", "Microsoft Corporation", "1.6.00.27573;1.6.00.33567;1.7.00.1960", 70,
     FOR_DESK},
    {"Teams Machine-Wide Installer", "Microsoft Corporation", "1.5.0.30767;1.6.0.27573", 60,
     FOR_DESK},
    {"Microsoft Visual Studio Code", "Microsoft Corporation", "1.84.2;1.85.0;1.85.1", 25, FOR_DESK},
    {"Microsoft SQL Server Management Studio - {v}", "Microsoft Corporation", "19.1;19.2", 10,
     FOR_WIN},
    {"Microsoft SQL Server 2019 (64-bit)", "Microsoft Corporation", "15.0.4335.1;15.0.4345.5", 25,
     FOR_SRV},
    {"Microsoft Policy Platform", "Microsoft Corporation", "68.1.1010.0", 60, FOR_WIN},
    {"Windows PC Health Check", "Microsoft Corporation", "3.6.2204.08001;3.7.2204.15001", 50,
     FOR_DESK},
    {"Windows Subsystem for Linux", "Microsoft Corporation", "2.0.9.0;2.0.14.0", 8, FOR_DESK},
    {"Mozilla Firefox (x64 en-US)", "Mozilla", "115.6.0;120.0.1;121.0", 55, FOR_DESK},
    {"Mozilla Maintenance Service", "Mozilla", "115.6.0;120.0.1;121.0", 50, FOR_DESK},
    {"Google Chrome", "Google LLC", "119.0.6045.160;120.0.6099.130;120.0.6099.217", 80, FOR_WIN},
    {"7-Zip {v} (x64)", "Igor Pavlov", "19.00;22.01;23.01", 50, FOR_WIN},
    {"Adobe Acrobat (64-bit)", "Adobe", "23.006.20360;23.006.20380;23.008.20421", 55, FOR_DESK},
    {"Zoom", "Zoom Video Communications, Inc.", "5.16.6 (24712);5.17.0 (28375)", 40, FOR_DESK},
    {"Cisco AnyConnect Secure Mobility Client", "Cisco Systems, Inc.", "4.10.07061;4.10.08025", 45,
     FOR_DESK},
    {"Cisco Webex Meetings", "Cisco Systems, Inc", "43.11.0.27795;43.12.0.28187", 15, FOR_DESK},
    {"CrowdStrike Windows Sensor", "CrowdStrike, Inc.", "7.05.17706.0;7.06.17807.0", 80, FOR_WIN},
    {"Notepad++ (64-bit x64)", "Notepad++ Team", "8.5.8;8.6;8.6.2", 30, FOR_WIN},
    {"VLC media player", "VideoLAN", "3.0.18;3.0.20", 30, FOR_DESK},
    {"Java 8 Update {v}", "Oracle Corporation", "381;391;401", 20, FOR_WIN},
    {"Python {v} (64-bit)", "Python Software Foundation", "3.11.5;3.11.7;3.12.1", 15, FOR_WIN},
    {"Git", "The Git Development Community", "2.42.0.2;2.43.0", 15, FOR_WIN},
    {"PuTTY release {v} (64-bit)", "Simon Tatham", "0.79;0.80", 20, FOR_WIN},
    {"WinSCP {v}", "Martin Prikryl", "6.1.2;6.2.1", 15, FOR_WIN},
    {"KeePass Password Safe {v}", "Dominik Reichl", "2.54;2.55", 10, FOR_DESK},
    {"Citrix Workspace {v}", "Citrix Systems, Inc.", "2309;2311", 25, FOR_DESK},
    {"Slack (Machine - MSI)", "Slack Technologies Inc.", "4.35.126;4.36.134", 15, FOR_DESK},
    {"Wireshark {v} x64", "The Wireshark developer community, https://www.wireshark.org",
     "4.0.11;4.2.0", 5, FOR_WIN},
    {"Npcap", "Nmap Project", "1.77;1.78", 6, FOR_WIN},
    {"WinRAR {v} (64-bit)", "win.rar GmbH", "6.23.0;6.24.0", 10, FOR_DESK},
    {"LibreOffice {v}", "The Document Foundation", "7.5.8.2;7.6.4.1", 8, FOR_DESK},
    {"GIMP {v}", "The GIMP Team", "2.10.34;2.10.36", 5, FOR_DESK},
    {"paint.net", "dotPDN LLC", "5.0.11;5.0.12", 8, FOR_DESK},
    {"TeamViewer", "TeamViewer", "15.48.5;15.49.2", 20, FOR_WIN},
    {"AnyDesk", "philandro Software GmbH", "8.0.5;8.0.6", 5, FOR_DESK},
    {"FileZilla {v}", "Tim Kosse", "3.66.1;3.66.4", 8, FOR_WIN},
    {"OpenVPN {v}-I001 amd64", "OpenVPN, Inc.", "2.6.7;2.6.8", 6, FOR_DESK},
    {"Docker Desktop", "Docker Inc.", "4.25.2;4.26.1", 5, FOR_DESK},
    {"Node.js", "Node.js Foundation", "18.18.2;20.10.0", 8, FOR_WIN},
    {"Postman x64 {v}", "Postman", "10.20.0;10.21.4", 5, FOR_DESK},
    {"Greenshot {v}", "Greenshot", "1.2.10.6", 10, FOR_DESK},
    {"Spotify", "Spotify AB", "1.2.26.1187", 6, FOR_DESK},
    {"Dell Command | Update for Windows Universal", "Dell Inc.", "5.0.0;5.1.0", 30, FOR_WIN},
    {"Dell SupportAssist", "Dell Inc.", "3.14.2.45", 20, FOR_DESK},
    {"HP Support Assistant", "HP Inc.", "9.25.34.0", 15, FOR_DESK},
    {"HP LaserJet Pro M404-M405 Basic Device Software", "HP Inc.", "48.7.4640", 10, FOR_DESK},
    {"Lenovo Vantage Service", "Lenovo Group Ltd.", "3.13.43.0", 15, FOR_DESK},
    {"Intel(R) Management Engine Components", "Intel Corporation", "2309.5.15.0;2340.5.24.0", 55,
     FOR_WIN},
    {"Intel(R) Chipset Device Software", "Intel(R) Corporation", "10.1.19444.8378;10.1.19600.8418",
     60, FOR_WIN},
    {"Intel(R) Serial IO", "Intel Corporation", "30.100.2237.26", 40, FOR_DESK},
    {"Intel(R) Rapid Storage Technology", "Intel Corporation", "18.7.6.1010", 30, FOR_DESK},
    {"Intel(R) PROSet/Wireless Software", "Intel Corporation", "22.250.1;23.10.0", 35, FOR_DESK},
    {"Intel(R) Wireless Bluetooth(R)", "Intel Corporation", "22.250.0.2;23.10.0.2", 35, FOR_DESK},
    {"Intel(R) Network Connections {v}", "Intel", "28.2.1.0;28.3.0.0", 25, FOR_SRV},
    {"Realtek High Definition Audio Driver", "Realtek Semiconductor Corp.", "6.0.9235.1;6.0.9549.1",
     50, FOR_DESK},
    {"Realtek Card Reader", "Realtek Semiconductor Corp.", "10.0.22000.21355", 20, FOR_DESK},
    {"NVIDIA Graphics Driver {v}", "NVIDIA Corporation", "537.58;546.33", 15, FOR_DESK},
    {"Synaptics Pointing Device Driver", "Synaptics Incorporated", "19.5.35.1", 20, FOR_DESK},
    {"Thunderbolt(TM) Software", "Intel Corporation", "17.4.79.517", 15, FOR_DESK},
    {"VMware Tools", "VMware, Inc.", "12.2.6.22229486;12.3.5.22544099", 35, FOR_SRV},
    {"Veeam Agent for Microsoft Windows", "Veeam Software Group GmbH", "6.0.2.1090;6.1.0.349", 25,
     FOR_SRV},
    {"Microsoft Monitoring Agent", "Microsoft Corporation", "10.20.18067.0", 30, FOR_SRV},
    {"Zabbix Agent 2 (64-bit)", "Zabbix SIA", "6.0.23.2400;6.0.25.2400", 30, FOR_SRV},
    {"Splunk Universal Forwarder", "Splunk, Inc.", "9.1.1.0;9.1.2.0", 25, FOR_WIN},
    {"Microsoft Azure Connected Machine Agent", "Microsoft Corporation", "1.36.02548.1424", 15,
     FOR_SRV},
    {"Sophos Endpoint Agent", "Sophos Limited", "2023.2.1.10", 10, FOR_WIN},
    /* departmental and server-role applications: only through roles */
    {"Microsoft Visio - en-us", "Microsoft Corporation", "16.0.16924.20150;16.0.17029.20108", 0,
     FOR_DESK},
    {"Nitro PDF Pro", "Nitro Software, Inc.", "14.10.0.21", 0, FOR_DESK},
    {"JetBrains IntelliJ IDEA 2023.3", "JetBrains s.r.o.", "233.11799.241;233.13135.103", 0,
     FOR_DESK},
    {"SAP GUI for Windows 7.70 (Patch {v})", "SAP SE", "5;8", 0, FOR_DESK},
    {"Microsoft Power BI Desktop (x64)", "Microsoft Corporation", "2.123.742.0;2.124.581.0", 0,
     FOR_DESK},
    {"Sage 200 Desktop", "Sage", "2023.2.0.1", 0, FOR_DESK},
    {"Autodesk AutoCAD 2024 - English", "Autodesk", "24.3.61.0", 0, FOR_DESK},
    {"Autodesk Desktop App", "Autodesk", "7.0.16.29", 0, FOR_DESK},
    {"SOLIDWORKS 2023 SP5.0", "Dassault Systemes SolidWorks Corp", "31.5.0.0048", 0, FOR_DESK},
    {"eDrawings 2023", "Dassault Systemes SolidWorks Corp", "31.50.0048", 0, FOR_DESK},
    {"Cisco Jabber", "Cisco Systems, Inc.", "14.1.5.57909;14.2.0.58245", 0, FOR_DESK},
    {"Jabra Direct", "GN Audio A/S", "6.11.28601", 0, FOR_DESK},
    {"Genesys Cloud", "Genesys", "2.36.604", 0, FOR_DESK},
    {"IIS URL Rewrite Module 2", "Microsoft Corporation", "7.2.1993", 0, FOR_SRV},
    {"Microsoft Web Deploy 4.0", "Microsoft Corporation", "10.0.8107", 0, FOR_SRV},
    {"Microsoft ODBC Driver 17 for SQL Server", "Microsoft Corporation", "17.10.5.1", 0, FOR_SRV},
    {"Microsoft OLE DB Driver for SQL Server", "Microsoft Corporation", "18.6.7.0", 0, FOR_SRV},
    {"Storage Sync Agent", "Microsoft Corporation", "17.0.0.0", 0, FOR_SRV},
    {"TreeSize Free V{v}", "JAM Software", "4.6.3", 0, FOR_SRV},
    {"Microsoft Azure AD Connect", "Microsoft Corporation", "2.2.8.0", 0, FOR_SRV},
    {"Microsoft Azure AD Connect Health agent for sync", "Microsoft Corporation", "4.5.2466.0", 0,
     FOR_SRV},
    {"Local Administrator Password Solution", "Microsoft Corporation", "6.2.0.0", 0, FOR_SRV},
};

static const catalogue_entry linux_packages[] = {
    {"base-files", "", "12.4;12.5", 100, FOR_DEB},
    {"bash", "", "5.1;5.2.15", 100, FOR_LNX},
    {"coreutils", "", "9.1;9.4", 100, FOR_LNX},
    {"systemd", "", "252.19;252.22", 100, FOR_LNX},
    {"openssh-server", "", "1:8.9p1;1:9.2p1", 100, FOR_LNX},
    {"openssh-client", "", "1:8.9p1;1:9.2p1", 100, FOR_DEB},
    {"openssh-clients", "", "8.7p1", 100, FOR_RPM},
    {"openssl", "", "3.0.11;3.0.13", 100, FOR_LNX},
    {"sudo", "", "1.9.13p3;1.9.15p5", 100, FOR_LNX},
    {"tzdata", "", "2023c;2024a", 100, FOR_LNX},
    {"ca-certificates", "", "20230311;20240203", 100, FOR_LNX},
    {"curl", "", "7.88.1;8.5.0", 95, FOR_LNX},
    {"wget", "", "1.21.3;1.21.4", 80, FOR_LNX},
    {"vim", "", "2:9.0.1378;2:9.0.2116", 70, FOR_LNX},
    {"nano", "", "7.2", 70, FOR_DEB},
    {"less", "", "590;643", 100, FOR_LNX},
    {"grep", "", "3.8;3.11", 100, FOR_LNX},
    {"sed", "", "4.9", 100, FOR_LNX},
    {"tar", "", "1.34;1.35", 100, FOR_LNX},
    {"gzip", "", "1.12;1.13", 100, FOR_LNX},
    {"rsync", "", "3.2.7", 75, FOR_LNX},
    {"cron", "", "3.0pl1", 95, FOR_DEB},
    {"cronie", "", "1.5.7", 95, FOR_RPM},
    {"rsyslog", "", "8.2302.0;8.2312.0", 85, FOR_LNX},
    {"logrotate", "", "3.21.0", 95, FOR_LNX},
    {"iproute2", "", "6.1.0;6.6.0", 100, FOR_DEB},
    {"iproute", "", "6.1.0;6.2.0", 100, FOR_RPM},
    {"iptables", "", "1.8.9;1.8.10", 70, FOR_LNX},
    {"nftables", "", "1.0.6;1.0.9", 50, FOR_LNX},
    {"chrony", "", "4.3;4.5", 70, FOR_LNX},
    {"apt", "", "2.6.1;2.7.6", 100, FOR_DEB},
    {"dpkg", "", "1.21.22;1.22.2", 100, FOR_DEB},
    {"dnf", "", "4.14.0;4.18.0", 100, FOR_RPM},
    {"rpm", "", "4.16.1.3;4.18.2", 100, FOR_RPM},
    {"python3", "", "3.11.2;3.11.6", 90, FOR_LNX},
    {"perl", "", "5.36.0;5.38.2", 90, FOR_LNX},
    {"git", "", "1:2.39.2;1:2.43.0", 40, FOR_LNX},
    {"nginx", "", "1.22.1;1.24.0", 20, FOR_LNX},
    {"apache2", "", "2.4.57;2.4.58", 12, FOR_DEB},
    {"httpd", "", "2.4.57;2.4.58", 12, FOR_RPM},
    {"postgresql-15", "", "15.5;15.6", 8, FOR_DEB},
    {"mariadb-server", "", "1:10.11.4;1:10.11.6", 8, FOR_LNX},
    {"redis-server", "", "5:7.0.11;5:7.0.15", 6, FOR_DEB},
    {"docker-ce", "", "5:24.0.7;5:25.0.3", 15, FOR_LNX},
    {"containerd.io", "", "1.6.26;1.6.28", 15, FOR_LNX},
    {"zabbix-agent2", "", "1:6.0.23;1:6.0.25", 30, FOR_LNX},
    {"open-vm-tools", "", "2:12.2.0;2:12.3.5", 40, FOR_LNX},
    {"qemu-guest-agent", "", "1:7.2;1:8.1.3", 15, FOR_LNX},
    {"linux-image-amd64", "", "6.1.66;6.1.69", 100, FOR_DEB},
    {"kernel", "", "5.14.0-362.13.1;5.14.0-362.18.1", 100, FOR_RPM},
    {"grub-pc", "", "2.06;2.12", 90, FOR_DEB},
    {"grub2-pc", "", "1:2.06", 90, FOR_RPM},
    {"lvm2", "", "2.03.16;2.03.22", 60, FOR_LNX},
    {"e2fsprogs", "", "1.47.0", 100, FOR_LNX},
    {"xfsprogs", "", "6.1.0;6.4.0", 60, FOR_LNX},
    {"tcpdump", "", "4.99.3;4.99.4", 40, FOR_LNX},
    {"htop", "", "3.2.2;3.3.0", 45, FOR_LNX},
    {"lsof", "", "4.95.0", 60, FOR_LNX},
    {"strace", "", "6.1;6.7", 30, FOR_LNX},
    {"unattended-upgrades", "", "2.9.1", 60, FOR_DEB},
    {"snapd", "", "2.58.3;2.61.1", 50, FOR_DEB},
    {"cloud-init", "", "22.4.2;23.4.1", 40, FOR_LNX},
    {"firewalld", "", "1.2.5", 70, FOR_RPM},
    {"selinux-policy-targeted", "", "38.1.23", 100, FOR_RPM},
    {"auditd", "", "1:3.0.9", 60, FOR_DEB},
    {"audit", "", "3.0.7", 100, FOR_RPM},
    {"net-tools", "", "2.10", 50, FOR_LNX},
    {"dnsutils", "", "1:9.18.19;1:9.18.24", 50, FOR_DEB},
    {"bind-utils", "", "32:9.16.23", 50, FOR_RPM},
    {"postfix", "", "3.7.9;3.8.4", 30, FOR_LNX},
    {"sssd", "", "2.8.2;2.9.4", 35, FOR_LNX},
    {"realmd", "", "0.17.1", 20, FOR_LNX},
    {"samba-common", "", "2:4.17.12;2:4.19.4", 15, FOR_LNX},
    {"nfs-common", "", "1:2.6.2", 30, FOR_DEB},
    {"nfs-utils", "", "1:2.5.4", 30, FOR_RPM},
    {"ansible-core", "", "2.14.3;2.16.2", 8, FOR_LNX},
    {"java-17-openjdk-headless", "", "1:17.0.9.0.9;1:17.0.10.0.7", 15, FOR_RPM},
    {"openjdk-17-jre-headless", "", "17.0.9+9;17.0.10+7", 15, FOR_DEB},
    /* server-role packages: only through roles */
    {"php8.2-fpm", "", "8.2.7;8.2.18", 0, FOR_DEB},
    {"php-fpm", "", "8.1.27", 0, FOR_RPM},
    {"certbot", "", "2.1.0;2.9.0", 0, FOR_LNX},
    {"postgresql-client-15", "", "15.5;15.6", 0, FOR_DEB},
    {"postgresql-server", "", "15.6", 0, FOR_RPM},
    {"pgbackrest", "", "2.49;2.50", 0, FOR_LNX},
    {"samba", "", "2:4.17.12;2:4.19.4", 0, FOR_LNX},
    {"nfs-kernel-server", "", "1:2.6.2", 0, FOR_DEB},
    {"cifs-utils", "", "2:7.0", 0, FOR_LNX},
    {"docker-ce-cli", "", "5:24.0.7;5:25.0.3", 0, FOR_LNX},
    {"docker-compose-plugin", "", "2.21.0;2.24.5", 0, FOR_LNX},
    {"docker-buildx-plugin", "", "0.11.2;0.12.1", 0, FOR_LNX},
};

/* Library stems: each gives a runtime, a -dev/-devel and a -doc/tools
 * package, named the distribution's way. */
static const char *const lib_stems[] = {
    "ssl",	 "curl",       "xml2",	    "glib2.0",	  "x11",	"xext",	     "xrender",
    "pango",	 "cairo",      "freetype",  "png16",	  "jpeg-turbo", "tiff",	     "webp",
    "zstd",	 "lzma",       "bz2",	    "z",	  "ffi",	"gmp",	     "mpfr",
    "nettle",	 "gnutls",     "p11-kit",   "tasn1",	  "idn2",	"unistring", "pcre2",
    "selinux",	 "audit",      "pam",	    "udev",	  "dbus",	"krb5",	     "ldap",
    "sasl2",	 "sqlite3",    "gdbm",	    "readline",	  "ncursesw",	"tinfo",     "expat",
    "yaml",	 "json-c",     "jansson",   "uuid",	  "blkid",	"mount",     "fdisk",
    "smartcols", "cap2",       "acl",	    "attr",	  "seccomp",	"apparmor",  "nss3",
    "nspr4",	 "icu",	       "xslt",	    "sensors",	  "pci",	"usb-1.0",   "drm",
    "gbm",	 "wayland",    "xkbcommon", "fontconfig", "harfbuzz",	"fribidi",   "avahi",
    "cups",	 "gcrypt",     "gpg-error", "assuan",	  "ksba",	"npth",	     "snmp",
    "pcap",	 "nl-3",       "mnl",	    "nftnl",	  "bpf",	"elf",	     "dw",
    "numa",	 "aio",	       "uring",	    "event",	  "ev",		"uv",	     "brotli",
    "nghttp2",	 "ssh2",       "psl",	    "zip",	  "archive",	"lz4",	     "magic",
    "kmod",	 "cryptsetup", "devmapper", "gssapi",	  "keyutils",	"tirpc",     "nsl",
    "crypt",	 "systemd",    "argon2",    "jemalloc",	  "protobuf",	"grpc",	     "boost-system",
};

static const struct {
	const char *name, *inf;
	uint8_t pop;
} driver_vendors[] = {
    {"Intel Corporation", "iaahci", 30},
    {"Realtek Semiconductor Corp.", "rtux", 20},
    {"Dell Inc.", "dellfw", 12},
    {"HP Inc.", "hpfw", 10},
    {"Lenovo", "lnvfw", 8},
    {"NVIDIA", "nvlt", 8},
    {"Advanced Micro Devices, Inc.", "amdgpio", 8},
    {"Synaptics Incorporated", "synhid", 10},
    {"Logitech", "logi", 6},
    {"Broadcom", "bcmwl", 5},
};

static const struct {
	const char *name, *versions;
} driver_classes[] = {
    {"Net", "12/15/2022 12.19.1.37;10/02/2023 12.19.2.45"},
    {"System", "07/18/1968 10.1.18.2;04/11/2023 10.1.19.6"},
    {"HIDClass", "05/22/2023 19.5.35.1;11/08/2023 19.5.40.2"},
    {"MEDIA", "09/14/2023 6.0.9549.1"},
    {"Display", "08/29/2023 31.0.101.4826;11/21/2023 31.0.101.5074"},
    {"Bluetooth", "06/13/2023 22.250.0.2;10/23/2023 23.10.0.2"},
    {"USB", "03/01/2023 10.0.22000.1"},
    {"Firmware", "10/05/2023 1.17.0;12/04/2023 1.18.1"},
    {"SoftwareComponent", "06/30/2023 2306.4.3.0"},
    {"Extension", "09/25/2023 3.1.0.4"},
    {"Camera", "03/15/2023 10.0.22000.20255"},
    {"SmartCardReader", "02/09/2023 10.0.22000.21355"},
};

/* One item of a platform's catalogue, expanded from the tables above. */
typedef struct {
	char *name;	    /* may hold "{v}" */
	const char *vendor; /* NULL: the distribution */
	const char **versions;
	uint8_t nversions;
	uint8_t pop;
	uint8_t mask;
	bool filler; /* hotfixes: taken after the applications */
} item;

typedef struct {
	item *items;
	size_t n, cap;
} catalogue;

static catalogue catalogues[PLAT__COUNT];

static int catalogue_add(catalogue *c, char *name, const char *vendor, const char *versions,
			 uint8_t pop, uint8_t mask)
{
	item *it;
	const char *p;
	size_t nv = 1, k = 0;
	char *copy;

	if (name == NULL || nc_grow(&c->items, &c->cap, c->n + 1, sizeof(*c->items), 256) != 0)
		return NC_ERR_NOMEM;
	it = &c->items[c->n];
	for (p = versions; *p; p++)
		nv += *p == ';';
	if ((copy = strdup(versions)) == NULL ||
	    (it->versions = calloc(nv, sizeof(*it->versions))) == NULL) {
		free(copy);
		return NC_ERR_NOMEM;
	}
	for (char *v = copy; k < nv; k++) {
		size_t len = strcspn(v, ";");

		it->versions[k] = v;
		v += len;
		if (*v == ';')
			*v++ = '\0';
	}
	it->name = name;
	it->vendor = vendor && vendor[0] ? vendor : NULL;
	it->nversions = (uint8_t)nv;
	it->pop = pop;
	it->mask = mask;
	it->filler = false;
	c->n++;
	return 0;
}

/* ---- roles ------------------------------------------------------------------- */

/*
 * What a machine is for: each computer gets a role among those for its
 * kind (weight: percent of those hosts).  Nearly every member has the
 * role's core applications (ROLE_CORE_PCT each), some its extras
 * (ROLE_EXTRA_PCT each); names are catalogue names, and an entry that does
 * not suit the host's distribution (apache2 on RHEL) is skipped.
 */
#define ROLE_APPS 10
#define ROLE_CORE_PCT 96
#define ROLE_EXTRA_PCT 30
#define ROLE_NONE 255

typedef struct {
	const char *name;
	uint8_t mask, weight;
	const char *core[ROLE_APPS], *extra[ROLE_APPS];
} role;

#define M365 "Microsoft 365 Apps for enterprise - en-us"
static const role roles[] = {
    {"office",
     FOR_DESK,
     40,
     {M365, "Microsoft Teams", "Adobe Acrobat (64-bit)", "Zoom",
      "Cisco AnyConnect Secure Mobility Client", "Citrix Workspace {v}", "Microsoft Visio - en-us",
      "Nitro PDF Pro"},
     {"VLC media player", "Greenshot {v}", "Cisco Webex Meetings", "paint.net", "Spotify"}},
    {"developer",
     FOR_DESK,
     15,
     {"Microsoft Visual Studio Code", "Git", "Python {v} (64-bit)", "Node.js", "Docker Desktop",
      "Postman x64 {v}", "Notepad++ (64-bit x64)", "Windows Subsystem for Linux",
      "PuTTY release {v} (64-bit)", "JetBrains IntelliJ IDEA 2023.3"},
     {"Wireshark {v} x64", "Npcap", "WinSCP {v}", "FileZilla {v}", "Slack (Machine - MSI)",
      "KeePass Password Safe {v}", "Microsoft SQL Server Management Studio - {v}"}},
    {"finance",
     FOR_DESK,
     15,
     {M365, "Adobe Acrobat (64-bit)", "SAP GUI for Windows 7.70 (Patch {v})",
      "Microsoft Power BI Desktop (x64)", "Sage 200 Desktop", "Java 8 Update {v}",
      "Citrix Workspace {v}", "KeePass Password Safe {v}"},
     {"Zoom", "WinRAR {v} (64-bit)"}},
    {"engineering",
     FOR_DESK,
     10,
     {"Autodesk AutoCAD 2024 - English", "Autodesk Desktop App", "SOLIDWORKS 2023 SP5.0",
      "eDrawings 2023", "NVIDIA Graphics Driver {v}", M365},
     {"GIMP {v}", "Python {v} (64-bit)", "7-Zip {v} (x64)"}},
    {"call-centre",
     FOR_DESK,
     20,
     {"Cisco Jabber", "Jabra Direct", "Genesys Cloud", "Microsoft Teams", "Citrix Workspace {v}"},
     {"Greenshot {v}", "Zoom"}},
    {"web",
     FOR_SRV,
     30,
     {"IIS URL Rewrite Module 2", "Microsoft Web Deploy 4.0",
      "Microsoft ASP.NET Core {v} - Shared Framework (x64)", "Microsoft .NET Runtime - {v} (x64)"},
     {"Splunk Universal Forwarder", "Zabbix Agent 2 (64-bit)"}},
    {"database",
     FOR_SRV,
     25,
     {"Microsoft SQL Server 2019 (64-bit)", "Microsoft SQL Server Management Studio - {v}",
      "Microsoft ODBC Driver 17 for SQL Server", "Microsoft OLE DB Driver for SQL Server",
      "Veeam Agent for Microsoft Windows"},
     {"Microsoft Monitoring Agent"}},
    {"file",
     FOR_SRV,
     20,
     {"Veeam Agent for Microsoft Windows", "Storage Sync Agent", "TreeSize Free V{v}",
      "Microsoft Azure Connected Machine Agent"},
     {"Microsoft Monitoring Agent"}},
    {"domain-controller",
     FOR_SRV,
     25,
     {"Microsoft Azure AD Connect", "Microsoft Azure AD Connect Health agent for sync",
      "Local Administrator Password Solution", "Microsoft Monitoring Agent"},
     {"Splunk Universal Forwarder"}},
    {"web",
     FOR_LNX,
     35,
     {"nginx", "apache2", "httpd", "php8.2-fpm", "php-fpm", "certbot"},
     {"redis-server"}},
    {"database",
     FOR_LNX,
     25,
     {"postgresql-15", "postgresql-client-15", "postgresql-server", "pgbackrest"},
     {"redis-server", "mariadb-server"}},
    {"file",
     FOR_LNX,
     20,
     {"samba", "samba-common", "nfs-kernel-server", "nfs-common", "nfs-utils"},
     {"cifs-utils"}},
    {"container-host",
     FOR_LNX,
     20,
     {"docker-ce", "containerd.io", "docker-ce-cli", "docker-compose-plugin",
      "docker-buildx-plugin"},
     {"ansible-core"}},
};
#undef M365

/* The catalogue items of each role's names; UINT16_MAX: no such item. */
static uint16_t role_core[ARRAY_SIZE(roles)][ROLE_APPS], role_extra[ARRAY_SIZE(roles)][ROLE_APPS];

static uint16_t catalogue_find(const catalogue *c, const char *name)
{
	if (name == NULL)
		return UINT16_MAX;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->items[i].name, name) == 0)
			return (uint16_t)i;
	return UINT16_MAX;
}

static int roles_resolve(void)
{
	for (size_t r = 0; r < ARRAY_SIZE(roles); r++) {
		const catalogue *c =
		    &catalogues[roles[r].mask & FOR_LNX ? PLAT_LINUX : PLAT_WINDOWS];

		for (size_t k = 0; k < ROLE_APPS; k++) {
			role_core[r][k] = catalogue_find(c, roles[r].core[k]);
			role_extra[r][k] = catalogue_find(c, roles[r].extra[k]);
			if ((roles[r].core[k] && role_core[r][k] == UINT16_MAX) ||
			    (roles[r].extra[k] && role_extra[r][k] == UINT16_MAX))
				return nc_fail(NC_ERR_INVALID, "role %s: no catalogue item '%s'",
					       roles[r].name,
					       role_core[r][k] == UINT16_MAX && roles[r].core[k]
						   ? roles[r].core[k]
						   : roles[r].extra[k]);
		}
	}
	return 0;
}

static int catalogue_build(void)
{
	catalogue *win = &catalogues[PLAT_WINDOWS], *lnx = &catalogues[PLAT_LINUX];
	static const char *const lib_versions[] = {"1.0.2;1.0.4", "2.3.1;2.4.0", "3.0.11;3.0.13",
						   "0.9.8;0.9.9", "5.2.5;5.4.1", "7.1.3"};
	char buf[128];
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(windows_apps) && r == 0; i++)
		r = catalogue_add(win, strdup(windows_apps[i].name), windows_apps[i].vendor,
				  windows_apps[i].versions, windows_apps[i].pop,
				  windows_apps[i].mask);
	/* Driver packages, as Windows lists them: each vendor ships a few
	 * for some device classes. */
	for (size_t v = 0; v < ARRAY_SIZE(driver_vendors) && r == 0; v++) {
		for (size_t k = 0; k < ARRAY_SIZE(driver_classes) && r == 0; k++) {
			snprintf(buf, sizeof(buf), "Windows Driver Package - %s (%s%zu) %s",
				 driver_vendors[v].name, driver_vendors[v].inf, k + 1,
				 driver_classes[k].name);
			r = catalogue_add(win, strdup(buf), driver_vendors[v].name,
					  driver_classes[k].versions, driver_vendors[v].pop,
					  FOR_WIN);
		}
	}
	/* Hotfixes, as the SSH inventory reads them: "KB5032189", by
	 * Microsoft, no version; they fill a host up to its count. The newer
	 * ones are more common. */
	for (unsigned i = 0; i < 1200 && r == 0; i++) {
		snprintf(buf, sizeof(buf), "KB%u", 5001330u + i * 37u);
		r = catalogue_add(win, strdup(buf), "Microsoft", "", (uint8_t)(10 + i * 60 / 1200),
				  FOR_WIN);
		if (r == 0)
			win->items[win->n - 1].filler = true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(linux_packages) && r == 0; i++)
		r = catalogue_add(lnx, strdup(linux_packages[i].name), NULL,
				  linux_packages[i].versions, linux_packages[i].pop,
				  linux_packages[i].mask);
	for (size_t i = 0; i < ARRAY_SIZE(lib_stems) && r == 0; i++) {
		const char *s = lib_stems[i], *v = lib_versions[i % ARRAY_SIZE(lib_versions)];
		unsigned so = (unsigned)(i % 7) + 1;
		uint8_t pop = (uint8_t)(95 - (i * 80) / ARRAY_SIZE(lib_stems));

		snprintf(buf, sizeof(buf), "lib%s-%u", s, so);
		if (r == 0)
			r = catalogue_add(lnx, strdup(buf), NULL, v, pop, FOR_DEB);
		snprintf(buf, sizeof(buf), "lib%s-dev", s);
		if (r == 0)
			r = catalogue_add(lnx, strdup(buf), NULL, v, pop / 4, FOR_DEB);
		snprintf(buf, sizeof(buf), "lib%s-doc", s);
		if (r == 0)
			r = catalogue_add(lnx, strdup(buf), NULL, v, pop / 8, FOR_DEB);
		snprintf(buf, sizeof(buf), "%s-libs", s);
		if (r == 0)
			r = catalogue_add(lnx, strdup(buf), NULL, v, pop, FOR_RPM);
		snprintf(buf, sizeof(buf), "%s-devel", s);
		if (r == 0)
			r = catalogue_add(lnx, strdup(buf), NULL, v, pop / 4, FOR_RPM);
		snprintf(buf, sizeof(buf), "%s-tools", s);
		if (r == 0)
			r = catalogue_add(lnx, strdup(buf), NULL, v, pop / 8, FOR_RPM);
	}
	/* libraries come with what a host runs: taken after the applications */
	for (size_t i = ARRAY_SIZE(linux_packages); i < lnx->n; i++)
		lnx->items[i].filler = true;

	if (r != 0)
		return nc_fail(r, "out of memory building the catalogue");
	return roles_resolve();
}

static void catalogue_free(void)
{
	for (int p = 0; p < PLAT__COUNT; p++) {
		for (size_t i = 0; i < catalogues[p].n; i++) {
			free(catalogues[p].items[i].name);
			if (catalogues[p].items[i].versions)
				free((void *)catalogues[p].items[i].versions[0]);
			free(catalogues[p].items[i].versions);
		}
		free(catalogues[p].items);
		memset(&catalogues[p], 0, sizeof(catalogues[p]));
	}
}

/* ---- profiles -------------------------------------------------------------- */

enum {
	PROF_WIN10,
	PROF_WIN11,
	PROF_WINSRV,
	PROF_DEBIAN,
	PROF_UBUNTU,
	PROF_RHEL,
	PROF_PRINTER,
	PROF_SWITCH,
	PROF__COUNT
};

typedef struct {
	const char *os_name, *os_version, *os_build, *edition, *device;
	const char *prefix; /* hostname */
	int platform;	    /* PLAT_*, or -1: no packages */
	uint8_t mask;	    /* FOR_* */
	uint8_t weight;	    /* share of the fleet, percent */
	uint8_t virtual_pct;
	uint8_t ttl;
	/* the service whose version churn changes: versions oldest first */
	const char *svc_name, *svc_product;
	uint16_t svc_port;
	const char *svc_versions[3];
	const char *banner_pre, *banner_post; /* the banner around the version */
} profile;

static const profile profiles[PROF__COUNT] = {
    [PROF_WIN10] = {"Windows 10 Enterprise",
		    "22H2",
		    "19045.3803",
		    "Enterprise",
		    "workstation",
		    "WS",
		    PLAT_WINDOWS,
		    FOR_DESK,
		    30,
		    5,
		    128,
		    "rdp",
		    "Microsoft Terminal Services",
		    3389,
		    {"10.0.19041", "10.0.19045"},
		    NULL},
    [PROF_WIN11] = {"Windows 11 Enterprise",
		    "23H2",
		    "22631.2861",
		    "Enterprise",
		    "workstation",
		    "WS",
		    PLAT_WINDOWS,
		    FOR_DESK,
		    28,
		    5,
		    128,
		    "rdp",
		    "Microsoft Terminal Services",
		    3389,
		    {"10.0.22621", "10.0.22631"},
		    NULL},
    [PROF_WINSRV] = {"Windows Server 2022 Standard",
		     "21H2",
		     "20348.2159",
		     "Standard",
		     "server",
		     "SRV",
		     PLAT_WINDOWS,
		     FOR_SRV,
		     12,
		     65,
		     128,
		     "http",
		     "Microsoft IIS httpd",
		     80,
		     {"10.0"},
		     "Microsoft-IIS/",
		     ""},
    [PROF_DEBIAN] = {"Debian GNU/Linux",
		     "12",
		     NULL,
		     NULL,
		     "server",
		     "deb",
		     PLAT_LINUX,
		     FOR_DEB,
		     9,
		     60,
		     64,
		     "ssh",
		     "OpenSSH",
		     22,
		     {"9.2p1", "9.6p1"},
		     "SSH-2.0-OpenSSH_",
		     " Debian-2+deb12u2"},
    [PROF_UBUNTU] = {"Ubuntu",
		     "22.04",
		     NULL,
		     NULL,
		     "server",
		     "ubu",
		     PLAT_LINUX,
		     FOR_DEB,
		     9,
		     60,
		     64,
		     "ssh",
		     "OpenSSH",
		     22,
		     {"8.9p1", "9.0p1", "9.3p1"},
		     "SSH-2.0-OpenSSH_",
		     " Ubuntu-3ubuntu0.6"},
    [PROF_RHEL] = {"Red Hat Enterprise Linux",
		   "9.3",
		   NULL,
		   NULL,
		   "server",
		   "rhel",
		   PLAT_LINUX,
		   FOR_RPM,
		   7,
		   60,
		   64,
		   "ssh",
		   "OpenSSH",
		   22,
		   {"8.7p1", "8.7p1-34"},
		   "SSH-2.0-OpenSSH_",
		   ""},
    [PROF_PRINTER] = {NULL,
		      NULL,
		      NULL,
		      NULL,
		      "printer",
		      "prn",
		      -1,
		      0,
		      3,
		      0,
		      255,
		      "http",
		      "HP HTTP Server",
		      80,
		      {"2.0", "2.1"},
		      NULL},
    [PROF_SWITCH] = {"Cisco IOS",
		     "15.2(7)E8",
		     NULL,
		     NULL,
		     "network",
		     "sw",
		     -1,
		     0,
		     2,
		     0,
		     255,
		     "ssh",
		     "Cisco SSH",
		     22,
		     {"1.25", "1.99"},
		     "SSH-2.0-Cisco-",
		     ""},
};

typedef struct {
	const char *vendor, *model, *cpu;
	uint8_t cores;
} machine;

static const machine desk_machines[] = {
    {"Dell Inc.", "OptiPlex 7090", "Intel(R) Core(TM) i5-10505 CPU @ 3.20GHz", 6},
    {"Dell Inc.", "Latitude 5430", "12th Gen Intel(R) Core(TM) i5-1245U", 10},
    {"HP", "HP EliteBook 840 G8 Notebook PC", "11th Gen Intel(R) Core(TM) i5-1145G7 @ 2.60GHz", 4},
    {"HP", "HP ProDesk 400 G7 Microtower PC", "Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz", 8},
    {"LENOVO", "20XW0026GE", "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", 4},
    {"LENOVO", "11JN0044GE", "AMD Ryzen 5 PRO 5650GE with Radeon Graphics", 6},
};
static const machine server_machines[] = {
    {"Dell Inc.", "PowerEdge R650", "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", 32},
    {"Dell Inc.", "PowerEdge R250", "Intel(R) Xeon(R) E-2336 CPU @ 2.90GHz", 6},
    {"HPE", "ProLiant DL360 Gen10", "Intel(R) Xeon(R) Silver 4214R CPU @ 2.40GHz", 12},
    {"Supermicro", "SYS-1029P-WTR", "Intel(R) Xeon(R) Silver 4210 CPU @ 2.20GHz", 10},
};
static const machine virtual_machine = {"VMware, Inc.", "VMware Virtual Platform",
					"Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", 4};
static const char *const printer_models[] = {"HP LaserJet M404dn", "HP Color LaserJet MFP M479fdw",
					     "HP LaserJet Enterprise M507"};
static const char *const switch_models[] = {"WS-C2960X-48FPD-L", "C9200L-24P-4G"};

/* ---- the fleet --------------------------------------------------------------- */

typedef struct {
	uint16_t item;	 /* index in the platform's catalogue */
	uint8_t version; /* index in the item's versions */
	uint16_t day;	 /* install date: days since SYNTH_DAY0 */
} pkg;

typedef struct {
	uint32_t serial; /* the host's own number: names, serials */
	uint32_t slot;	 /* address index, see slot_ip() */
	uint8_t profile;
	uint8_t role;	 /* index into roles[], ROLE_NONE */
	uint8_t machine; /* index into the machine list of its kind */
	bool present, is_virtual;
	uint8_t svc_version;
	uint8_t mac[6];
	uint16_t mem_gib;
	uint32_t disk_gib, used_gib;
	pkg *pkgs;
	size_t npkgs, cap;
} synth_host;

typedef struct {
	uint64_t seed;
	unsigned packages, scans;
	double churn;
	synth_host *hosts;
	size_t n, cap;
	uint32_t next_slot, next_serial;
	uint8_t *have; /* scratch: catalogue items a host has */
	/* batching, for the writer */
	size_t cursor;
	host_facts *batch;
	host_facts **batch_ptrs;
	size_t nbatch;
	uint64_t rows;	   /* software rows handed over in this scan */
	double gen_s;	   /* time spent building records */
	char date_buf[16]; /* scratch */
} fleet;

static uint32_t slot_ip(uint32_t slot)
{
	return SYNTH_BASE_IP + (slot / 200) * 256 + 10 + slot % 200;
}

static const char *install_date(uint16_t day, char *buf, size_t len)
{
	time_t t = (time_t)(SYNTH_DAY0 + day) * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
	return buf;
}

/* Days since SYNTH_DAY0 of scan s. */
static uint16_t scan_day(unsigned s)
{
	return (uint16_t)((SYNTH_EPOCH / 86400) - SYNTH_DAY0 + s);
}

static uint8_t pick_profile(uint64_t *rs)
{
	uint32_t x = rnd_below(rs, 100), acc = 0;

	for (uint8_t p = 0; p < PROF__COUNT; p++) {
		acc += profiles[p].weight;
		if (x < acc)
			return p;
	}
	return PROF_WIN10;
}

static int host_add_pkg(synth_host *h, uint16_t idx, uint8_t version, uint16_t day)
{
	if (nc_grow(&h->pkgs, &h->cap, h->npkgs + 1, sizeof(*h->pkgs), 64) != 0)
		return nc_fail(NC_ERR_NOMEM, "out of memory");
	h->pkgs[h->npkgs++] = (pkg){idx, version, day};
	return 0;
}

/* A role for a host of profile p: ROLE_NONE when none suits. */
static uint8_t pick_role(uint64_t *rs, uint8_t p)
{
	uint32_t total = 0, x;

	for (size_t r = 0; r < ARRAY_SIZE(roles); r++)
		if (roles[r].mask & profiles[p].mask)
			total += roles[r].weight;
	if (total == 0)
		return ROLE_NONE;
	x = rnd_below(rs, total);
	for (size_t r = 0; r < ARRAY_SIZE(roles); r++) {
		if (!(roles[r].mask & profiles[p].mask))
			continue;
		if (x < roles[r].weight)
			return (uint8_t)r;
		x -= roles[r].weight;
	}
	return ROLE_NONE;
}

/*
 * The packages of a new host, until it has its count (N +-10%), in this
 * order: its role's core applications (ROLE_CORE_PCT each), the
 * organisation's image (what at least half of the hosts of its kind have,
 * 97% each), the role's extras (ROLE_EXTRA_PCT each), a little noise (any
 * other application at a tenth of its popularity, and now and then one odd
 * application), then the filler (hotfixes, libraries) in an order fixed per
 * kind and role (hosts of a role are patched and built alike, 97% each),
 * then anything that suits.
 */
static int host_fill_packages(fleet *f, synth_host *h, uint64_t *rs)
{
	const profile *pr = &profiles[h->profile];
	const catalogue *c;
	uint8_t *have = f->have;
	uint32_t want, *order;
	uint64_t ro;
	int r = 0;

	if (pr->platform < 0 || f->packages == 0)
		return 0;
	c = &catalogues[pr->platform];
	want = f->packages - f->packages / 10 + rnd_below(rs, f->packages / 5 + 1);
	if ((order = malloc(c->n * sizeof(*order))) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory");
	memset(have, 0, c->n);
#define TAKE(idx)                                                                                  \
	do {                                                                                       \
		const item *it_ = &c->items[(idx)];                                               \
		uint8_t v_ = (uint8_t)(it_->nversions - 1);                                        \
                                                                                                   \
		if (v_ > 0 && rnd_pct(rs, 35)) /* mostly current, some behind */                 \
			v_ -= (uint8_t)(1 + rnd_below(rs, v_));                                    \
		have[(idx)] = 1;                                                                   \
		r = host_add_pkg(h, (uint16_t)(idx), v_, (uint16_t)rnd_below(rs, scan_day(0)));   \
	} while (0)
#define SUITS(idx) (!have[(idx)] && (c->items[(idx)].mask & pr->mask) && h->npkgs < want)
	if (h->role != ROLE_NONE)
		for (size_t k = 0; k < ROLE_APPS && r == 0; k++) {
			uint16_t idx = role_core[h->role][k];

			if (idx != UINT16_MAX && SUITS(idx) && rnd_pct(rs, ROLE_CORE_PCT))
				TAKE(idx);
		}
	for (uint32_t i = 0; i < c->n && r == 0; i++)
		if (!c->items[i].filler && c->items[i].pop >= 50 && SUITS(i) && rnd_pct(rs, 97))
			TAKE(i);
	if (h->role != ROLE_NONE)
		for (size_t k = 0; k < ROLE_APPS && r == 0; k++) {
			uint16_t idx = role_extra[h->role][k];

			if (idx != UINT16_MAX && SUITS(idx) && rnd_pct(rs, ROLE_EXTRA_PCT))
				TAKE(idx);
		}
	for (uint32_t i = 0; i < c->n && r == 0; i++)
		if (!c->items[i].filler && SUITS(i) && rnd_pct(rs, c->items[i].pop / 40.0))
			TAKE(i);
	if (rnd_pct(rs, 30)) {
		uint32_t i = rnd_below(rs, (uint32_t)c->n);

		for (uint32_t n = 0; n < c->n && r == 0; n++, i = (i + 1) % (uint32_t)c->n)
			if (!c->items[i].filler && SUITS(i)) {
				TAKE(i);
				break;
			}
	}
	/* the filler in the order of the host's kind and role */
	for (uint32_t i = 0; i < c->n; i++)
		order[i] = i;
	ro = rnd_stream(f->seed, 7, h->profile, h->role);
	for (uint32_t i = (uint32_t)c->n; i > 1; i--) {
		uint32_t j = rnd_below(&ro, i), t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
	for (uint32_t k = 0; k < c->n && r == 0; k++)
		if (c->items[order[k]].filler && SUITS(order[k]) && rnd_pct(rs, 97))
			TAKE(order[k]);
	for (uint32_t k = 0; k < c->n && r == 0; k++)
		if (SUITS(order[k]))
			TAKE(order[k]);
#undef TAKE
#undef SUITS
	free(order);
	return r;
}

static int fleet_new_host(fleet *f)
{
	synth_host *h;
	uint64_t rs;

	if (f->next_slot >= SYNTH_SLOTS)
		return nc_fail(NC_ERR_TOOBIG, "198.18.0.0/15 has no address left for a new host");
	if (nc_grow(&f->hosts, &f->cap, f->n + 1, sizeof(*f->hosts), 1024) != 0)
		return nc_fail(NC_ERR_NOMEM, "out of memory");
	h = &f->hosts[f->n++];
	memset(h, 0, sizeof(*h));
	h->serial = f->next_serial++;
	h->slot = f->next_slot++;
	h->present = true;
	rs = rnd_stream(f->seed, 1, h->serial, 0);
	h->profile = pick_profile(&rs);
	h->role = pick_role(&rs, h->profile);
	h->is_virtual = rnd_pct(&rs, profiles[h->profile].virtual_pct);
	h->machine = (uint8_t)rnd_below(&rs, h->profile == PROF_WIN10 || h->profile == PROF_WIN11
						 ? ARRAY_SIZE(desk_machines)
						 : ARRAY_SIZE(server_machines));
	if (h->is_virtual) {
		h->mac[0] = 0x00, h->mac[1] = 0x50, h->mac[2] = 0x56; /* VMware */
		h->mac[3] = (uint8_t)(h->serial >> 16 & 0x3f);
	} else {
		h->mac[0] = 0x02, h->mac[1] = 0xc6, h->mac[2] = 0x12;
		h->mac[3] = (uint8_t)(h->serial >> 16);
	}
	h->mac[4] = (uint8_t)(h->serial >> 8);
	h->mac[5] = (uint8_t)h->serial;
	h->svc_version = 0;
	h->mem_gib = profiles[h->profile].device[0] == 'w' ? (uint16_t)(8u << rnd_below(&rs, 3))
							   : (uint16_t)(8u << rnd_below(&rs, 5));
	h->disk_gib = 128u << rnd_below(&rs, 4);
	h->used_gib = h->disk_gib / 5 + rnd_below(&rs, h->disk_gib / 2);
	return host_fill_packages(f, h, &rs);
}

/* Between scan s-1 and s: hosts leave, arrive, move; packages change. */
static int fleet_churn(fleet *f, unsigned s)
{
	size_t before = f->n;
	uint32_t arrivals = 0;
	int r = 0;

	for (size_t i = 0; i < before && r == 0; i++) {
		synth_host *h = &f->hosts[i];
		const profile *pr = &profiles[h->profile];
		uint64_t rs = rnd_stream(f->seed, 2 + s, h->serial, 0);
		uint32_t n = h->npkgs, removed = 0;

		if (!h->present)
			continue;
		if (rnd_pct(&rs, f->churn)) {
			h->present = false;
			arrivals++;
			continue;
		}
		if (rnd_pct(&rs, f->churn / 2)) {
			if (f->next_slot >= SYNTH_SLOTS)
				return nc_fail(NC_ERR_TOOBIG, "198.18.0.0/15 has no address left");
			h->slot = f->next_slot++;
		}
		if (rnd_pct(&rs, f->churn) &&
		    (size_t)h->svc_version + 1 < ARRAY_SIZE(pr->svc_versions) &&
		    pr->svc_versions[h->svc_version + 1] != NULL)
			h->svc_version++;
		h->used_gib = NC_MIN(h->disk_gib, h->used_gib + rnd_below(&rs, 3));
		if (pr->platform < 0)
			continue;
		/* upgrades and removals, in place */
		for (uint32_t k = 0; k < n; k++) {
			pkg *p = &h->pkgs[k];
			const item *it = &catalogues[pr->platform].items[p->item];

			if (rnd_pct(&rs, f->churn / 4)) {
				removed++;
				p->item = UINT16_MAX;
			} else if (p->version + 1 < it->nversions && rnd_pct(&rs, f->churn)) {
				p->version++;
				p->day = scan_day(s);
			}
		}
		{
			uint32_t w = 0;

			for (uint32_t k = 0; k < n; k++)
				if (h->pkgs[k].item != UINT16_MAX)
					h->pkgs[w++] = h->pkgs[k];
			h->npkgs = w;
		}
		/* as many installs as removals, of items the host does not have */
		{
			const catalogue *c = &catalogues[pr->platform];
			uint32_t tries = 0;

			memset(f->have, 0, c->n);
			for (uint32_t k = 0; k < h->npkgs; k++)
				f->have[h->pkgs[k].item] = 1;
			while (removed > 0 && tries++ < 50 * (removed + 1) && r == 0) {
				uint32_t it = rnd_below(&rs, (uint32_t)c->n);

				if (f->have[it] || !(c->items[it].mask & pr->mask))
					continue;
				f->have[it] = 1;
				removed--;
				r = host_add_pkg(h, (uint16_t)it,
						 (uint8_t)(c->items[it].nversions - 1),
						 scan_day(s));
			}
		}
	}
	for (uint32_t k = 0; k < arrivals && r == 0; k++)
		r = fleet_new_host(f);
	return r;
}

/* ---- one host into the writer's records ---------------------------------------- */

static const char *host_name(const synth_host *h, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%05" PRIu32, profiles[h->profile].prefix, h->serial);
	return buf;
}

static const machine *host_machine(const synth_host *h)
{
	if (h->is_virtual)
		return &virtual_machine;
	if (h->profile == PROF_WIN10 || h->profile == PROF_WIN11)
		return &desk_machines[h->machine % ARRAY_SIZE(desk_machines)];
	return &server_machines[h->machine % ARRAY_SIZE(server_machines)];
}

/* Discovery: the reasons a live host of its kind gives, and its ports. */
static int host_results(results_t *res, const synth_host *h)
{
	const profile *pr = &profiles[h->profile];
	uint32_t ip = slot_ip(h->slot);
	int64_t rtt = 150 + (int64_t)(h->serial % 700);
	static const uint16_t win_ports[] = {135, 139, 445, 3389};
	static const uint16_t srv_ports[] = {135, 139, 445, 3389, 80, 443, 5985};
	static const uint16_t lnx_ports[] = {22};
	static const uint16_t web_ports[] = {22, 80, 443};
	static const uint16_t prn_ports[] = {80, 443, 515, 631, 9100};
	static const uint16_t sw_ports[] = {22, 80, 443};
	const uint16_t *ports;
	size_t nports;
	int r;

	switch (h->profile) {
	case PROF_WIN10:
	case PROF_WIN11:
		ports = win_ports, nports = ARRAY_SIZE(win_ports);
		break;
	case PROF_WINSRV:
		ports = srv_ports, nports = ARRAY_SIZE(srv_ports);
		break;
	case PROF_PRINTER:
		ports = prn_ports, nports = ARRAY_SIZE(prn_ports);
		break;
	case PROF_SWITCH:
		ports = sw_ports, nports = ARRAY_SIZE(sw_ports);
		break;
	default:
		ports = h->serial % 3 == 0 ? web_ports : lnx_ports;
		nports = h->serial % 3 == 0 ? ARRAY_SIZE(web_ports) : ARRAY_SIZE(lnx_ports);
	}
	if ((r = results_record(res, ip, REASON_ARP_RESPONSE, 0, rtt, h->mac, MAC_SRC_ARP, true)) ||
	    (r = results_record(res, ip, REASON_ECHO_REPLY, pr->ttl, rtt, NULL, MAC_SRC_NONE,
				true)))
		return r;
	for (size_t i = 0; i < nports; i++) {
		if ((r = results_record(res, ip, REASON_SYN_ACK, pr->ttl, rtt, NULL, MAC_SRC_NONE,
					true)) != 0 ||
		    (r = results_record_port(res, ip, ports[i], IPPROTO_TCP, PORT_OPEN,
					     REASON_SYN_ACK, pr->ttl)) != 0)
			return r;
	}
	if (h->profile == PROF_PRINTER || h->profile == PROF_SWITCH) {
		if ((r = results_record(res, ip, REASON_UDP_RESPONSE, pr->ttl, rtt, NULL,
					MAC_SRC_NONE, true)) != 0 ||
		    (r = results_record_port(res, ip, 161, IPPROTO_UDP, PORT_OPEN,
					     REASON_UDP_RESPONSE, pr->ttl)) != 0)
			return r;
	}
	return results_record_port(res, ip, 23, IPPROTO_TCP, PORT_CLOSED, REASON_RESET, pr->ttl);
}

#define TRY(call)                                                                                  \
	do {                                                                                       \
		if ((r = (call)) != 0)                                                             \
			return r;                                                                  \
	} while (0)

static int add_service(host_facts *hf, uint8_t proto, uint16_t port, const char *name,
		       const char *product, const char *version, const char *info,
		       const char *banner, fact_source src)
{
	service_fact s = {.port = port,
			  .proto = proto,
			  .source = (uint8_t)src,
			  .name = (char *)name,
			  .product = (char *)product,
			  .version = (char *)version,
			  .info = (char *)info,
			  .banner = (char *)banner};

	return host_facts_add_service(hf, &s);
}

static int add_hw(host_facts *hf, const char *kind, const char *name, const char *vendor,
		  const char *model, const char *serial, const char *firmware, const char *extra,
		  int64_t size, int64_t used, fact_source src)
{
	hardware_fact hw = {.kind = (char *)kind,
			    .name = (char *)name,
			    .vendor = (char *)vendor,
			    .model = (char *)model,
			    .serial = (char *)serial,
			    .firmware = (char *)firmware,
			    .extra = (char *)extra,
			    .size_bytes = size,
			    .used_bytes = used,
			    .source = (uint8_t)src};

	return host_facts_add_hardware(hf, &hw);
}

/* Debian "1.2-3+deb12u1", Ubuntu "1.2-3ubuntu0.22.04.1", RHEL "1.2-3.el9". */
static const char *linux_version(const synth_host *h, const item *it, const pkg *p, char *buf,
				 size_t len)
{
	const char *v = it->versions[p->version];
	unsigned rev = 1 + (unsigned)((p->item * 7u + p->version * 3u) % 5);

	if (v[0] == '\0')
		return NULL;
	if (h->profile == PROF_DEBIAN)
		snprintf(buf, len, "%s-%u%s", v, rev, p->version ? "+deb12u1" : "");
	else if (h->profile == PROF_UBUNTU)
		snprintf(buf, len, "%s-%uubuntu0.22.04.%u", v, rev, 1 + p->version);
	else
		snprintf(buf, len, "%s-%u.el9", v, rev);
	return buf;
}

static int host_software(fleet *f, host_facts *hf, const synth_host *h)
{
	const profile *pr = &profiles[h->profile];
	const catalogue *c = &catalogues[pr->platform];
	static const char *const linux_vendor[] = {[PROF_DEBIAN] = "Debian",
						   [PROF_UBUNTU] = "Ubuntu Developers",
						   [PROF_RHEL] = "Red Hat, Inc."};
	char name[256], version[96], date[16];
	int r;

	for (uint32_t k = 0; k < h->npkgs; k++) {
		const pkg *p = &h->pkgs[k];
		const item *it = &c->items[p->item];
		const char *v = it->versions[p->version], *brace = strstr(it->name, "{v}");
		software_fact s = {.source = FACT_SRC_SSH};

		if (brace != NULL)
			snprintf(name, sizeof(name), "%.*s%s%s", (int)(brace - it->name), it->name,
				 v, brace + 3);
		else
			snprintf(name, sizeof(name), "%s", it->name);
		s.name = name;
		if (pr->platform == PLAT_LINUX) {
			s.version = (char *)linux_version(h, it, p, version, sizeof(version));
			s.vendor = (char *)linux_vendor[h->profile];
		} else {
			s.version = v[0] ? (char *)v : NULL;
			s.vendor = (char *)it->vendor;
		}
		s.install_date = (char *)install_date(p->day, date, sizeof(date));
		TRY(host_facts_add_software(hf, &s));
		f->rows++;
	}
	return 0;
}

static int host_records(fleet *f, host_facts *hf, const synth_host *h)
{
	const profile *pr = &profiles[h->profile];
	const machine *m = host_machine(h);
	const char *svc_version = pr->svc_versions[h->svc_version];
	char name[64], fqdn[96], serial[32], uuid[40], mac[18], addr[16], extra[160], buf[160];
	uint64_t rs = rnd_stream(f->seed, 100, h->serial, 0);
	bool windows = pr->platform == PLAT_WINDOWS, linux_host = pr->platform == PLAT_LINUX;
	int r;

	host_facts_init(hf, slot_ip(h->slot));
	host_name(h, name, sizeof(name));
	format_mac(h->mac, mac, sizeof(mac));
	format_ipv4(slot_ip(h->slot), addr, sizeof(addr));
	snprintf(serial, sizeof(serial), "%s%07" PRIu32,
		 h->is_virtual ? "VMware-56 4d " : (m->vendor[0] == 'D' ? "J" : "CZ"), h->serial);
	snprintf(uuid, sizeof(uuid), "%08" PRIx32 "-%04x-4%03x-8%03x-%012" PRIx64,
		 (uint32_t)rnd_next(&rs), (unsigned)(h->serial & 0xffff),
		 (unsigned)(rnd_next(&rs) & 0xfff), (unsigned)(rnd_next(&rs) & 0xfff),
		 (uint64_t)(rnd_next(&rs) & 0xffffffffffffull));

	if (windows) {
		snprintf(fqdn, sizeof(fqdn), "%s.corp.example", name);
		TRY(host_facts_add(hf, FACT_SRC_SMB, 90, "smb.netbios_name", name));
		TRY(host_facts_add(hf, FACT_SRC_SMB, 90, "smb.netbios_domain", "CORP"));
		TRY(host_facts_add(hf, FACT_SRC_SMB, 90, "smb.dns_name", fqdn));
		TRY(host_facts_add(hf, FACT_SRC_SMB, 90, "smb.dns_domain", "corp.example"));
		TRY(host_facts_add(hf, FACT_SRC_SMB, 90, "smb.dns_tree", "corp.example"));
		TRY(host_facts_add(hf, FACT_SRC_SMB, 80, "smb.os_version",
				   svc_version ? svc_version : ""));
		TRY(host_facts_add(hf, FACT_SRC_SMB, 90, "smb.dialect", "3.1.1"));
		TRY(host_facts_add(hf, FACT_SRC_SMB, 90, "smb.signing",
				   h->profile == PROF_WINSRV ? "required" : "enabled"));
		TRY(host_facts_add(hf, FACT_SRC_SMB, 90, "host.name", name));
		TRY(host_facts_add(hf, FACT_SRC_SMB, 90, "host.domain", "corp.example"));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "os.family", "Windows"));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "os.edition", pr->edition));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "os.build", pr->os_build));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "os.display_version", pr->os_version));
	} else if (linux_host) {
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "host.name", name));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "host.domain", "srv.example"));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "os.family", "Linux"));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "os.id",
				   h->profile == PROF_DEBIAN   ? "debian"
				   : h->profile == PROF_UBUNTU ? "ubuntu"
							       : "rhel"));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "os.kernel",
				   h->profile == PROF_RHEL ? "5.14.0-362.18.1.el9_3.x86_64"
							   : "6.1.0-17-amd64"));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "ssh.package_manager",
				   h->profile == PROF_RHEL ? "rpm" : "dpkg"));
	} else {
		const char *model = h->profile == PROF_PRINTER
					? printer_models[h->serial % ARRAY_SIZE(printer_models)]
					: switch_models[h->serial % ARRAY_SIZE(switch_models)];

		TRY(host_facts_add(hf, FACT_SRC_SNMP, 100, "snmp.sysName", name));
		if (h->profile == PROF_PRINTER)
			snprintf(buf, sizeof(buf), "%s; FW %s", model, "002.2310A");
		else
			snprintf(buf, sizeof(buf),
				 "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), "
				 "Version %s, RELEASE SOFTWARE (fc2)",
				 pr->os_version);
		TRY(host_facts_add(hf, FACT_SRC_SNMP, 100, "snmp.sysDescr", buf));
		TRY(host_facts_add(hf, FACT_SRC_SNMP, 100, "snmp.sysObjectID",
				   h->profile == PROF_PRINTER ? "1.3.6.1.4.1.11.2.3.9.1"
							      : "1.3.6.1.4.1.9.1.1208"));
		TRY(host_facts_add(hf, FACT_SRC_SNMP, 100, "snmp.sysLocation", "Building A"));
		TRY(host_facts_add(hf, FACT_SRC_SNMP, 90, "host.name", name));
		TRY(host_facts_add(hf, FACT_SRC_SNMP, 80, "device.type", pr->device));
		TRY(host_facts_add(hf, FACT_SRC_SNMP, 90, "hw.vendor",
				   h->profile == PROF_PRINTER ? "HP" : "Cisco"));
		TRY(host_facts_add(hf, FACT_SRC_SNMP, 90, "hw.model", model));
		TRY(host_facts_add(hf, FACT_SRC_SNMP, 90, "hw.serial", serial));
		if (h->profile == PROF_PRINTER) {
			TRY(add_hw(hf, "printer", model, "HP", model, serial, "002.2310A", NULL, -1,
				   -1, FACT_SRC_SNMP));
		} else {
			TRY(host_facts_add(hf, FACT_SRC_SNMP, 90, "os.name", pr->os_name));
			TRY(host_facts_add(hf, FACT_SRC_SNMP, 90, "os.version", pr->os_version));
			TRY(add_hw(hf, "entity", "chassis", "Cisco", model, serial, pr->os_version,
				   NULL, -1, -1, FACT_SRC_SNMP));
			for (unsigned p = 1; p <= 24; p++) {
				snprintf(buf, sizeof(buf), "GigabitEthernet1/0/%u", p);
				TRY(add_hw(hf, "nic", buf, NULL, NULL, NULL, NULL, NULL, -1, -1,
					   FACT_SRC_SNMP));
			}
		}
	}

	if (pr->os_name != NULL && pr->platform >= 0) {
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "os.name", pr->os_name));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "os.version", pr->os_version));
		TRY(host_facts_add(hf, FACT_SRC_DISCOVERY, 20, "os.family",
				   windows ? "Windows" : "Linux"));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 90, "device.type", pr->device));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "hw.vendor", m->vendor));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "hw.model", m->model));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "hw.serial", serial));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "hw.uuid", uuid));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "hw.virtual",
				   h->is_virtual ? "yes" : "no"));
		if (h->is_virtual)
			TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "hw.virt_type", "vmware"));
		TRY(host_facts_add(hf, FACT_SRC_SSH, 100, "hw.cpu.model", m->cpu));
		TRY(host_facts_addf(hf, FACT_SRC_SSH, 100, "hw.cpu.count", "%u", 1u));
		TRY(host_facts_addf(hf, FACT_SRC_SSH, 100, "hw.cpu.cores", "%u", m->cores));
		TRY(host_facts_addf(hf, FACT_SRC_SSH, 100, "hw.memory_bytes", "%llu",
				    (unsigned long long)h->mem_gib << 30));
		snprintf(extra, sizeof(extra), "sockets=1;cores=%u;threads=%u", m->cores,
			 m->cores * 2u);
		TRY(add_hw(hf, "cpu", m->cpu, NULL, NULL, NULL, NULL, extra, -1, -1, FACT_SRC_SSH));
		TRY(add_hw(hf, "memory", "physical memory", NULL, NULL, NULL, NULL, NULL,
			   (int64_t)h->mem_gib << 30, -1, FACT_SRC_SSH));
		snprintf(buf, sizeof(buf), "%s", windows ? "\\\\.\\PHYSICALDRIVE0" : "/dev/sda");
		snprintf(extra, sizeof(extra), "S4EW%07" PRIu32, h->serial);
		TRY(add_hw(hf, "disk", buf, NULL,
			   h->is_virtual ? "VMware Virtual disk" : "Samsung SSD 980 PRO", extra,
			   NULL, NULL, (int64_t)h->disk_gib << 30, -1, FACT_SRC_SSH));
		if (windows) {
			snprintf(extra, sizeof(extra), "source=C:;avail=%llu",
				 (unsigned long long)(h->disk_gib - h->used_gib) << 30);
			TRY(add_hw(hf, "storage", "C:\\", NULL, NULL, NULL, NULL, extra,
				   (int64_t)h->disk_gib << 30, (int64_t)h->used_gib << 30,
				   FACT_SRC_SSH));
		} else {
			snprintf(extra, sizeof(extra), "source=/dev/sda1;avail=%llu",
				 (unsigned long long)(h->disk_gib - h->used_gib) << 30);
			TRY(add_hw(hf, "storage", "/", NULL, NULL, NULL, NULL, extra,
				   (int64_t)h->disk_gib << 30, (int64_t)h->used_gib << 30,
				   FACT_SRC_SSH));
			TRY(add_hw(hf, "storage", "/boot", NULL, NULL, NULL, NULL,
				   "source=/dev/sda2;avail=838860800", 1073741824, 234881024,
				   FACT_SRC_SSH));
		}
		snprintf(extra, sizeof(extra), "mac=%s;addr=%s/24", mac, addr);
		TRY(add_hw(hf, "nic", windows ? "Ethernet0" : "ens192", NULL, NULL, NULL, NULL,
			   extra, -1, -1, FACT_SRC_SSH));
	}
	if (h->is_virtual)
		TRY(host_facts_add(hf, FACT_SRC_MAC_VENDOR, 90, "mac.vendor", "VMware, Inc."));

	/* services */
	switch (h->profile) {
	case PROF_WIN10:
	case PROF_WIN11:
	case PROF_WINSRV:
		TRY(add_service(hf, IPPROTO_TCP, 135, "msrpc", "Microsoft Windows RPC", NULL, NULL,
				NULL, FACT_SRC_BANNER));
		TRY(add_service(hf, IPPROTO_TCP, 445, "smb", "Microsoft Windows SMB", "3.1.1",
				"signing enabled", NULL, FACT_SRC_SMB));
		TRY(add_service(hf, IPPROTO_TCP, 3389, "rdp", "Microsoft Terminal Services",
				h->profile == PROF_WINSRV ? NULL : svc_version, NULL, NULL,
				FACT_SRC_BANNER));
		if (h->profile == PROF_WINSRV) {
			snprintf(buf, sizeof(buf), "%s%s%s", pr->banner_pre, svc_version,
				 pr->banner_post);
			TRY(add_service(hf, IPPROTO_TCP, 80, "http", pr->svc_product, svc_version,
					"title: IIS Windows Server", buf, FACT_SRC_BANNER));
			TRY(add_service(hf, IPPROTO_TCP, 5985, "http", "Microsoft HTTPAPI httpd",
					"2.0", NULL, "Microsoft-HTTPAPI/2.0", FACT_SRC_BANNER));
		}
		break;
	case PROF_PRINTER:
		TRY(add_service(hf, IPPROTO_TCP, 80, "http", pr->svc_product, svc_version,
				"title: HP LaserJet", "HP HTTP Server; HP LaserJet",
				FACT_SRC_BANNER));
		TRY(add_service(hf, IPPROTO_UDP, 161, "snmp", NULL, NULL, "v2c", NULL,
				FACT_SRC_SNMP));
		break;
	default:
		snprintf(buf, sizeof(buf), "%s%s%s", pr->banner_pre, svc_version, pr->banner_post);
		TRY(add_service(hf, IPPROTO_TCP, 22, "ssh", pr->svc_product, svc_version, NULL, buf,
				FACT_SRC_BANNER));
		if (h->profile == PROF_SWITCH)
			TRY(add_service(hf, IPPROTO_UDP, 161, "snmp", NULL, NULL, "v2c", NULL,
					FACT_SRC_SNMP));
		else if (h->serial % 3 == 0)
			TRY(add_service(hf, IPPROTO_TCP, 80, "http", "nginx", "1.22.1",
					"title: Welcome to nginx!", "nginx/1.22.1",
					FACT_SRC_BANNER));
	}
	if (pr->platform >= 0)
		TRY(host_software(f, hf, h));
	return 0;
}

static void batch_clear(fleet *f)
{
	for (size_t i = 0; i < f->nbatch; i++)
		host_facts_clear(&f->batch[i]);
	f->nbatch = 0;
}

/* mkinv_batch_fn: the next SYNTH_BATCH present hosts. */
static int synth_batch(void *ctx, host_facts *const **hosts, size_t *n)
{
	fleet *f = ctx;
	uint64_t t0 = time_mono_ns();
	int r = 0;

	batch_clear(f);
	while (f->cursor < f->n && f->nbatch < SYNTH_BATCH && r == 0) {
		const synth_host *h = &f->hosts[f->cursor++];

		if (!h->present)
			continue;
		f->batch_ptrs[f->nbatch] = &f->batch[f->nbatch];
		r = host_records(f, &f->batch[f->nbatch], h);
		f->nbatch++; /* initialised either way: batch_clear() frees it */
	}
	*hosts = f->batch_ptrs;
	*n = r == 0 ? f->nbatch : 0;
	f->gen_s += (double)(time_mono_ns() - t0) / 1e9;
	return r;
}

static int synth_scan(fleet *f, const char *db, unsigned s)
{
	results_t *res = results_new();
	host_result *const *sorted;
	size_t present = 0, n = 0;
	double started = SYNTH_EPOCH + 86400.0 * s, t0 = time_wall();
	uint64_t g0 = time_mono_ns();
	mkinv_scan meta = {.targets = "198.18.0.0/15",
			   .command = "netcensus scan 198.18.0.0/15 --ssh (synthetic)",
			   .target_count = 131072,
			   .status = "complete",
			   .started = started};
	int64_t id = 0;
	int r = 0;

	if (res == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < f->n && r == 0; i++) {
		if (f->hosts[i].present) {
			present++;
			r = host_results(res, &f->hosts[i]);
		}
	}
	if (r == 0 && (sorted = results_sorted(res, &n)) != NULL)
		for (size_t i = 0; i < n; i++)
			sorted[i]->first_seen = started + 1.0 + (double)i * 0.0005;
	meta.finished = started + 2.0 + (double)present * 0.0005 + 30.0;
	f->gen_s = (double)(time_mono_ns() - g0) / 1e9;
	f->cursor = 0;
	f->rows = 0;
	if (r == 0)
		r = mkinv_write_scan(db, &meta, res, synth_batch, f, &id);
	batch_clear(f);
	results_free(res);
	if (r == 0) {
		double total = time_wall() - t0;

		printf("mkinv: scan %lld: %zu hosts, %" PRIu64 " software rows in %.2f s "
		       "(generating %.2f s, writer %.2f s: %.0f software rows/s)\n",
		       (long long)id, present, f->rows, total, f->gen_s, total - f->gen_s,
		       total - f->gen_s > 0 ? (double)f->rows / (total - f->gen_s) : 0.0);
		fflush(stdout);
	}
	return r;
}

static void synth_usage(FILE *out)
{
	fprintf(out,
		"usage: mkinv --db FILE --synth HOSTS [--packages N] [--seed S] [--scans K]\n"
		"             [--churn PCT]\n"
		"  HOSTS        hosts in the first scan (1-%d)\n"
		"  --packages N about N packages per computer (default 100, 0-1000)\n"
		"  --seed S     the same seed gives the same fleet (default 1)\n"
		"  --scans K    scans, one day apart (default 1, 1-100)\n"
		"  --churn PCT  change between scans, percent (default 5, 0-50)\n",
		SYNTH_MAX_HOSTS);
}

int mkinv_synth_main(const char *db_path, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"packages", required_argument, NULL, 'p'}, {"seed", required_argument, NULL, 's'},
	    {"scans", required_argument, NULL, 'k'},	{"churn", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},		{NULL, 0, NULL, 0},
	};
	fleet f = {.seed = 1, .packages = 100, .scans = 1, .churn = 5};
	uint64_t hosts = 0, v;
	size_t maxitems = 0;
	int c, r = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if ((r = parse_u64(optarg, 0, 1000, &v, "--packages")) == 0)
				f.packages = (unsigned)v;
			break;
		case 's':
			r = parse_u64(optarg, 0, UINT64_MAX, &f.seed, "--seed");
			break;
		case 'k':
			if ((r = parse_u64(optarg, 1, 100, &v, "--scans")) == 0)
				f.scans = (unsigned)v;
			break;
		case 'c':
			if ((r = parse_u64(optarg, 0, 50, &v, "--churn")) == 0)
				f.churn = (double)v;
			break;
		case 'h':
			synth_usage(stdout);
			return MKINV_EXIT_OK;
		default:
			synth_usage(stderr);
			return MKINV_EXIT_USAGE;
		}
		if (r != 0) {
			fprintf(stderr, "mkinv: %s\n", nc_errmsg(r));
			return MKINV_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc ||
	    (r = parse_u64(argv[optind], 1, SYNTH_MAX_HOSTS, &hosts, "HOSTS")) != 0) {
		if (r != 0)
			fprintf(stderr, "mkinv: %s\n", nc_errmsg(r));
		synth_usage(stderr);
		return MKINV_EXIT_USAGE;
	}
	if ((r = catalogue_build()) != 0)
		goto out;
	for (int p = 0; p < PLAT__COUNT; p++)
		maxitems = NC_MAX(maxitems, catalogues[p].n);
	f.have = calloc(maxitems, 1);
	f.batch = calloc(SYNTH_BATCH, sizeof(*f.batch));
	f.batch_ptrs = calloc(SYNTH_BATCH, sizeof(*f.batch_ptrs));
	if (f.have == NULL || f.batch == NULL || f.batch_ptrs == NULL) {
		r = nc_fail(NC_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (uint64_t i = 0; i < hosts && r == 0; i++)
		r = fleet_new_host(&f);
	for (unsigned s = 0; s < f.scans && r == 0; s++) {
		if (s > 0)
			r = fleet_churn(&f, s);
		if (r == 0)
			r = synth_scan(&f, db_path, s);
	}
out:
	if (r != 0)
		fprintf(stderr, "mkinv: --synth: %s\n", nc_errmsg(r));
	for (size_t i = 0; i < f.n; i++)
		free(f.hosts[i].pkgs);
	free(f.hosts);
	free(f.have);
	free(f.batch);
	free(f.batch_ptrs);
	catalogue_free();
	return r == 0 ? MKINV_EXIT_OK : MKINV_EXIT_WRITE;
}
