# netcensus inventory collector for Windows OpenSSH (PowerShell 5.1+).
# Sent as powershell -NoProfile -NonInteractive -EncodedCommand; writes
# nothing on the target, prints the same sectioned format as inventory.sh.
$ErrorActionPreference = 'SilentlyContinue'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
function o { [Console]::Out.Write((($args | % { "$_" -replace '[\t\r\n]', ' ' }) -join "`t") + "`n") }
function s($n) { o "@@ $n" }
o 'NETCENSUS-INVENTORY 1'
$os = Get-CimInstance Win32_OperatingSystem
$cs = Get-CimInstance Win32_ComputerSystem
$cv = Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
s os
o kernel Windows
o caption $os.Caption
o version $os.Version
o build $os.BuildNumber
o ubr $cv.UBR
o edition $cv.EditionID
o display-version $(if ($cv.DisplayVersion) { $cv.DisplayVersion } else { $cv.ReleaseId })
o product-type $os.ProductType
o machine $env:PROCESSOR_ARCHITECTURE
o hostname $cs.Name
o domain $cs.Domain
o part-of-domain $cs.PartOfDomain
s cpu
$p = @(Get-CimInstance Win32_Processor)
o model $p[0].Name
o sockets $p.Count
o cores ($p | Measure-Object NumberOfCores -Sum).Sum
o threads ($p | Measure-Object NumberOfLogicalProcessors -Sum).Sum
s memory
o total-bytes $cs.TotalPhysicalMemory
s disks
Get-CimInstance Win32_DiskDrive | % { o $_.DeviceID disk $_.Size $_.Model "$($_.SerialNumber)".Trim() }
s filesystems
Get-CimInstance Win32_LogicalDisk -Filter 'DriveType=3' | % { o $_.DeviceID $_.Size ($_.Size - $_.FreeSpace) $_.FreeSpace $_.DeviceID }
s dmi
$b = Get-CimInstance Win32_BIOS
o sys_vendor $cs.Manufacturer
o product_name $cs.Model
o product_serial $b.SerialNumber
o product_uuid (Get-CimInstance Win32_ComputerSystemProduct).UUID
o bios_vendor $b.Manufacturer
o bios_version $b.SMBIOSBIOSVersion
s net
Get-NetAdapter | % { o link $_.Name $_.MacAddress }
Get-NetIPAddress | ? { $_.InterfaceAlias -notlike 'Loopback*' } | % { o addr $_.InterfaceAlias "$($_.IPAddress)/$($_.PrefixLength)" }
s users
query user 2>$null | select -Skip 1 | % { o ($_.Trim() -split '\s+')[0].TrimStart('>') session }
if ($cs.UserName) { o $cs.UserName console }
s uptime
o seconds ([int64]((Get-Date) - $os.LastBootUpTime).TotalSeconds)
s packages
o manager windows
Get-ItemProperty 'HKLM:\Software\Microsoft\Windows\CurrentVersion\Uninstall\*', 'HKLM:\Software\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*' |
	? { $_.DisplayName -and -not $_.SystemComponent -and -not $_.ParentKeyName } | select -First 100000 |
	% { o $_.DisplayName $_.DisplayVersion '' ([int64]$_.EstimatedSize * 1024) $_.InstallDate $_.Publisher }
s hotfixes
Get-HotFix | % { o $_.HotFixID $(if ($_.InstalledOn) { $_.InstalledOn.ToString('yyyy-MM-dd') }) }
s listen
$pr = @{}
Get-Process | % { $pr[[int]$_.Id] = $_.ProcessName }
Get-NetTCPConnection -State Listen | % { o tcp $_.LocalPort $pr[[int]$_.OwningProcess] }
Get-NetUDPEndpoint | % { o udp $_.LocalPort $pr[[int]$_.OwningProcess] }
s end
