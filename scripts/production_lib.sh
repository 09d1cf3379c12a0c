# Shared by scripts/install-production.sh and scripts/test_production.sh: fill a deploy/ template.
# render_template SRC DST — replaces every @NAME@ with the value of the shell variable NAME; a placeholder
# left without a value is an error, so a unit never starts with a literal "@ROOT@" in it.
render_template() {
    local src=$1 dst=$2 text name
    text=$(<"$src")
    for name in $(grep -o '@[A-Z_]*@' "$src" | sort -u | tr -d '@'); do
        if [[ -z ${!name+x} ]]; then
            printf '[production] 错误 ERROR: %s 缺少取值 no value for @%s@\n' "$src" "$name" >&2
            return 1
        fi
        text=${text//@$name@/${!name}}
    done
    printf '%s\n' "$text" >"$dst"
}

# exec_start UNIT_FILE — the unit's ExecStart command line (what systemd runs).
exec_start() { sed -n 's/^ExecStart=//p' "$1"; }
