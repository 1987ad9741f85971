# SmilePress: `make build` and `make test` do all the set-up on a fresh machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
# The sample department's trust root: the commit from which approvals, public statuses and changes
# to governed paths must be signed (README: "Trust"). A real department names its own in the
# publishing CI's protected settings (SMILEPRESS_TRUST_ROOT), which wins over this line.
export SMILEPRESS_TRUST_ROOT ?= 78efdd3426c48246f3efb182078e9f91e9bff631

.PHONY: build test view serve check bench clean format

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[site,test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/smilepress build --profile public
	$(BIN)/smilepress build --profile internal
	@echo "已构建：site/public（公开网站）、site/internal（员工手册）。在浏览器中查看：make view"

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n auto --dist loadscope

# The built sites as a browser must see them: served over HTTP (opened as files, a folder shows as a
# listing and search cannot load its index).
PORT ?= 8000
view:
	@test -d site/public -a -d site/internal || { echo "还没有构建网站：先运行 make build" >&2; exit 1; }
	@echo "公开网站：http://127.0.0.1:$(PORT)/public/    员工手册：http://127.0.0.1:$(PORT)/internal/    （按 Ctrl-C 结束）"
	$(PY) -m http.server --bind 127.0.0.1 --directory site $(PORT)

serve: $(STAMP)
	SMILEPRESS_PROFILE=preview $(BIN)/mkdocs serve

check: $(STAMP)
	$(BIN)/smilepress check
	$(BIN)/smilepress check data policies   # nothing personal or secret in the department's data
	$(BIN)/smilepress handbook              # the regulation's data: schema, references, every clause

bench: $(STAMP)
	$(BIN)/python scripts/bench_build.py
	$(BIN)/python scripts/bench_engines.py
	$(BIN)/python scripts/bench_check.py --build
	$(BIN)/python scripts/bench_originality.py
	$(BIN)/python scripts/bench_kpis.py
	$(BIN)/python scripts/bench_handbook.py
	$(BIN)/python scripts/bench_trust.py

clean:
	rm -rf site .pytest_cache .smilepress-cache

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
