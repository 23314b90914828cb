# The docs name only what exists: every `make TARGET` shown in a README, LEIAME or docs/ page
# is a target the Makefile has, and every repository path they show (in code or as a link) is
# in the tree. A doc that names a renamed file or a removed target fails here, not in a
# student's terminal. Code means inline `code` and fenced blocks; prose is not read.

# docs: every page the course has, in English and Portuguese (README.pt-BR.md, LEIAME.md),
# relative to the repository's root.
docs() {
  (cd "$ROOT" && ls README*.md challenges/*/README*.md challenges/*/LEIAME.md \
    challenges/*/*/README*.md challenges/*/*/LEIAME.md docs/*.md 2>/dev/null | sort -u)
}

# code PAGE: the text of PAGE's inline code spans and fenced blocks, one piece per line.
code() {
  awk '
    /^ *```/ { fenced = !fenced; next }
    fenced { print; next }
    { line = $0
      while (match(line, /`[^`]+`/)) { print substr(line, RSTART + 1, RLENGTH - 2)
                                       line = substr(line, RSTART + RLENGTH) } }' "$ROOT/$1"
}

# targets PAGE: the make targets PAGE shows, one per line (N in run-N stands for 1).
targets() {
  code "$1" | grep -oE '(^|[^a-z./-])make( +-[a-zA-Z]+)* +[a-z][a-zA-Z0-9_%./-]*' \
    | sed -E 's/.*make( +-[a-zA-Z]+)* +//; s/-N$/-1/; s/-NAME$/-kit/' | sort -u
}

# paths PAGE: the repository paths PAGE shows in code or links to, relative to the root; a
# code span that is only a file name of the top folder (`Dockerfile.base`, `Makefile`) is one.
paths() {
  local dir; dir=$(dirname "$1")
  {
    code "$1" | grep -xE '(Dockerfile[A-Za-z.]*|Makefile|\.dockerignore)' || true
    code "$1" | grep -oE '(^|[ "(=:])(\.\./)*(src|challenges|tests|sql|docs|\.ci)/[A-Za-z0-9_./-]+' \
      | sed -E 's/^[ "(=:]//' | while read -r p; do
        case $p in ../*) (cd "$ROOT/$dir" && realpath -m --relative-to="$ROOT" "$p") ;;
                   *) echo "$p" ;; esac
      done
    grep -oE '\]\([^)#: ]+' "$ROOT/$1" | sed 's/^](//' | while read -r p; do
      (cd "$ROOT/$dir" && realpath -m --relative-to="$ROOT" "$p")
    done
  } | sed -E 's/[.,:;]+$//' \
    | grep -vE '(^|/)(secrets|build)(/|$)|[*{}<>]|/N(/|$)|NAME|\.\.\.' | sort -u
}

test_every_make_target_the_docs_show_exists() {
  local page target missing=() checked=0
  for page in $(docs); do
    for target in $(targets "$page"); do
      checked=$((checked + 1))
      (cd "$ROOT" && make -n "$target" >/dev/null 2>&1) || missing+=("$page: make $target")
    done
  done
  echo "report: $checked make targets checked in $(docs | wc -l) pages"
  expect_ge 30 "$checked" "make targets found in the docs"
  expect_eq "" "$(printf '%s\n' "${missing[@]}" | sed '/^$/d')" "targets the Makefile does not have"
}

# made PAGE: the paths PAGE's own commands create (`> path`, `touch path`): not looked for.
made() {
  code "$1" | grep -oE '(>|>>|touch) *[A-Za-z0-9_./-]+' | sed -E 's/^(>>?|touch) *//' | sort -u
}

test_every_path_the_docs_show_exists() {
  local page path missing=() checked=0
  for page in $(docs); do
    for path in $(paths "$page"); do
      checked=$((checked + 1))
      [ -e "$ROOT/$path" ] || grep -qxF "$path" <<<"$(made "$page")" \
        || missing+=("$page: $path")
    done
  done
  echo "report: $checked paths checked in $(docs | wc -l) pages"
  expect_ge 50 "$checked" "paths found in the docs"
  expect_eq "" "$(printf '%s\n' "${missing[@]}" | sed '/^$/d')" "paths that are not in the tree"
}

# Every page a student reads, in English or Portuguese, is one the tests above read: a README
# or LEIAME anywhere under the root or challenges/ (README.pt-BR.md included), and docs/*.md.
# A page the glob of docs() misses would name a missing file unnoticed.
test_every_page_in_either_language_is_read() {
  local pages
  pages=$(cd "$ROOT" && find . \( -name .git -o -name build -o -name tests \) -prune -o \
      -type f \( -name 'README*.md' -o -name LEIAME.md -o -path './docs/*.md' \) -print \
    | sed 's|^\./||' | sort -u)
  echo "report: $(wc -l <<<"$pages") pages, $(grep -c 'LEIAME\|pt-BR\|solucao' <<<"$pages") of them in Portuguese"
  expect_eq "README.pt-BR.md" "$(docs | grep -x 'README.pt-BR.md')" "the Portuguese README among the pages read"
  expect_eq "$pages" "$(docs)" "the pages the docs tests read"
}

# lines PAGE: "PATH A B" for every link of PAGE to lines A to B of a file (FILE#LA-LB or #LA).
lines() {
  local dir; dir=$(dirname "$1")
  grep -oE '\]\([^)#: ]+#L[0-9]+(-L[0-9]+)?\)' "$ROOT/$1" | sort -u \
    | sed -E 's/^\]\(([^#]+)#L([0-9]+)(-L([0-9]+))?\)$/\1 \2 \4/' | while read -r p a b; do
      echo "$(cd "$ROOT/$dir" && realpath -m --relative-to="$ROOT" "$p") $a ${b:-$a}"
    done
}

# A page that says "lines 30-31" of a file shows lines that are there: a range that runs past
# the file's end, or ends before it starts, is a file that changed under the page.
test_every_line_range_the_docs_link_to_is_in_its_file() {
  local page path a b total bad=() checked=0
  for page in $(docs); do
    while read -r path a b; do
      [ -n "$path" ] || continue
      checked=$((checked + 1))
      total=$(wc -l <"$ROOT/$path" 2>/dev/null || echo 0)
      [ "$a" -ge 1 ] && [ "$a" -le "$b" ] && [ "$b" -le "$total" ] \
        || bad+=("$page: $path#L$a-L$b (the file has $total lines)")
    done < <(lines "$page")
  done
  echo "report: $checked line ranges checked"
  expect_ge 30 "$checked" "line ranges linked from the docs"
  expect_eq "" "$(printf '%s\n' "${bad[@]}" | sed '/^$/d')" "line ranges outside their files"
}

# A fence that does not stand on a line of its own (a closing ``` with prose after it) or one
# left open turns the rest of a page into code: its pictures and commands stop rendering.
test_every_code_fence_stands_alone_and_is_closed() {
  local page bad=() fences=0 n
  for page in $(docs); do
    n=$(grep -cE '^ *```' "$ROOT/$page" || true)
    fences=$((fences + n))
    # Outside a block a fence may name a language; inside one, only a bare fence closes it.
    while IFS= read -r line; do bad+=("$page:$line"); done < <(awk '
      /^ *```/ { if (!open) { open = 1; if ($0 !~ /^ *```[a-z]*$/) print FNR ": " $0 }
                 else { open = 0; if ($0 !~ /^ *```$/) print FNR ": " $0 }; next }
      END { if (open) print "end: a block left open" }' "$ROOT/$page")
  done
  echo "report: $fences fences in $(docs | wc -l) pages"
  expect_ge 100 "$fences" "code fences in the docs"
  expect_eq "" "$(printf '%s\n' "${bad[@]}" | sed '/^$/d')" "fences with text after them or left open"
}

# The root README shows lines of a whole run and its summary: every count in them is the count
# of tests there are, so a sample from an older suite shows here.
test_the_readmes_sample_run_counts_every_test() {
  local total shown
  total=$(cat "$ROOT"/tests/*/suite.sh | grep -cE '^test_[a-zA-Z0-9_]+\(\)')
  shown=$(sed -n '/^## Tests$/,/^## /p' "$ROOT/README.md" \
    | sed -nE 's|.*/([0-9]+)\]\.\.\..*|\1|p; s|^([0-9]+) passed, 0 failed$|\1|p' | sort -u)
  echo "report: $total tests in tests/*/suite.sh"
  expect_eq "$total" "$shown" "the counts in README.md's sample run"
}
