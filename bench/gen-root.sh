#!/bin/sh
# Generate a large root filesystem for benchmarks:
#   gen-root.sh DIR [ACCOUNTS [PACKAGES [SUDO_RULES]]]
# defaults: 10,000 accounts, 5,000 packages, 1,000 sudoers rules, with
# groups, shadow hashes (some shared), apt lists and a lastlog.
set -eu
dir=${1:?usage: gen-root.sh DIR [ACCOUNTS [PACKAGES [SUDO_RULES]]]}
accounts=${2:-10000}
packages=${3:-5000}
rules=${4:-1000}

mkdir -p "$dir/etc/sudoers.d" "$dir/etc/ssh" "$dir/etc/pam.d" \
	"$dir/var/lib/dpkg" "$dir/var/lib/apt/lists" "$dir/var/log" "$dir/home"
cat >"$dir/etc/os-release" <<'OS'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
ID=debian
VERSION_ID="12"
VERSION_CODENAME=bookworm
OS
echo bench-host >"$dir/etc/hostname"

awk -v n="$accounts" -v d="$dir" 'BEGIN {
	print "root:x:0:0:root:/root:/bin/bash" > d "/etc/passwd"
	print "root:!:19700:0:99999:7:::" > d "/etc/shadow"
	for (i = 1; i <= n; i++) {
		uid = 999 + i
		printf "user%05d:x:%d:%d:User %d:/home/user%05d:/bin/bash\n",
		    i, uid, uid, i, i > d "/etc/passwd"
		# One account in fifty shares its hash with the next one.
		h = (i % 50 == 0) ? i - 1 : i
		printf "user%05d:$y$j9T$salt%05d$hashhashhashhashhashhashhashhash%05d:19700:0:99999:7:::\n",
		    i, h, h > d "/etc/shadow"
		printf "user%05d:x:%d:\n", i, uid > d "/etc/group.users"
	}
	printf "sudo:x:27:" > d "/etc/group"
	for (i = 1; i <= 20; i++)
		printf "%suser%05d", (i > 1 ? "," : ""), i > d "/etc/group"
	print "" > d "/etc/group"
}'
cat "$dir/etc/group.users" >>"$dir/etc/group"
rm -f "$dir/etc/group.users"

awk -v n="$rules" -v d="$dir" 'BEGIN {
	f = d "/etc/sudoers"
	print "Defaults env_reset" > f
	print "User_Alias OPS = user00001, user00002, %sudo" > f
	print "Cmnd_Alias SERVICES = /usr/bin/systemctl restart *, /usr/bin/journalctl" > f
	print "root ALL=(ALL:ALL) ALL" > f
	print "OPS ALL=(ALL) NOPASSWD: ALL" > f
	for (i = 1; i <= n - 2; i++)
		printf "user%05d ALL=(root) %s\n", 100 + i,
		    (i % 10 == 0 ? "ALL" : "SERVICES, /usr/bin/less /var/log/*") > f
	print "#includedir /etc/sudoers.d" > f
}'

awk -v n="$packages" -v d="$dir" 'BEGIN {
	s = d "/var/lib/dpkg/status"
	l = d "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"
	for (i = 1; i <= n; i++) {
		printf "Package: pkg%05d\nStatus: install ok installed\nPriority: optional\nSection: misc\nInstalled-Size: 100\nMaintainer: Bench <bench@example.org>\nArchitecture: amd64\nVersion: 1.%d-1\nDescription: benchmark package %d\n a longer description line\n\n", i, i, i > s
		printf "Package: pkg%05d\nVersion: 1.%d-%d\nArchitecture: amd64\nFilename: pool/main/p/pkg%05d.deb\nSize: 1000\nDescription: benchmark package\n\n", i, i, (i % 20 == 0 ? 2 : 1), i > l
	}
	# The archive holds many packages this host does not have.
	for (i = 1; i <= 4 * n; i++)
		printf "Package: other%05d\nVersion: 1.0-1\nArchitecture: amd64\nFilename: pool/main/o/other%05d.deb\nSize: 1000\nDescription: not installed\n\n", i, i > l
}'
gzip -f "$dir/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"
cat >"$dir/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_Release" <<'REL'
Origin: Debian
Label: Debian
Suite: stable
Codename: bookworm
REL
printf 'PermitRootLogin no\n' >"$dir/etc/ssh/sshd_config"
printf 'password requisite pam_pwquality.so minlen=12\n' \
	>"$dir/etc/pam.d/common-password"
printf 'auth required pam_faillock.so preauth\n' >"$dir/etc/pam.d/common-auth"
: >"$dir/var/log/lastlog"
echo "generated $dir: $accounts accounts, $packages packages, $rules sudoers rules"
