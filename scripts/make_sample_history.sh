#!/usr/bin/env bash
# How the sample content's history was made (run once, on 2026-11-28): every article is committed by
# its author and moved through the workflow with `smilepress`, acting as the fictional staff of
# policies/people.yml, so that the project's own history proves the approvals.
# Kept for the record and to rebuild the sample in a fresh repository; do not run it twice.
set -euo pipefail
cd "$(dirname "$0")/.."
SP=${SMILEPRESS:-.venv/bin/smilepress}

as() {  # as PERSON_ID command...: run with that person's git identity
  local who=$1; shift
  local name email
  name=$(.venv/bin/python -c "import yaml,sys;print(yaml.safe_load(open('policies/people.yml'))['people'][sys.argv[1]]['name'])" "$who")
  email="$who@example.com"
  GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="$email" GIT_COMMITTER_NAME="$name" GIT_COMMITTER_EMAIL="$email" "$@"
}
author_of() { sed -n 's/^author: *//p' "$1" | head -1; }

# 1. Every article is committed by its author, as a draft.
for f in $(git ls-files --others --exclude-standard content | sort); do
  a=$(author_of "$f")
  as "$a" git add "$f"
  as "$a" git commit -q -m "new: $(sed -n 's/^title: *//p' "$f" | head -1)" -- "$f"
done

E=content/education; A=content/ads; F=content/faq; C=content/cases
submit() { as "$(author_of "$1")" $SP submit "$1"; }
approve() { as "$2" $SP approve --role "$3" "$1"; }

# 2. Published education, ads, faq and cases: submitted, approved by every required role, published.
for f in $E/zhongzhiya-shuhou-huli.md $E/shuaya-fangfa.md; do
  submit $f; approve $f wangliming dentist; approve $f chensiyuan manager; as chensiyuan $SP publish $f
done
f=$E/yinxing-jiaozheng-rumen.md; submit $f; approve $f liufang dentist; approve $f chensiyuan manager; as chensiyuan $SP publish $f
f=$A/2026-dongji-zhongzhiya-zhuanti.md; submit $f; approve $f zhaomin compliance; approve $f wangliming dentist
approve $f chensiyuan manager; as chensiyuan $SP publish $f
f=$F/xiya-hou-yachi-minggan.md; submit $f; approve $f liufang dentist; as chensiyuan $SP publish $f
f=$C/jiaozheng-gushi-xiaolin.md; submit $f; approve $f liufang dentist; approve $f chensiyuan manager; as chensiyuan $SP publish $f

# 3. Approved, not (yet) published: public all the same, or scheduled, or overdue for re-review.
f=$E/ertong-tufu.md; submit $f; approve $f wangliming dentist; approve $f chensiyuan manager
f=$F/zhongzhiya-neng-yong-duojiu.md; submit $f; approve $f wangliming dentist
f=$E/zhichi-baqu-qianhou.md; submit $f; approve $f liufang dentist; approve $f chensiyuan manager       # publish_date 2026-12-15
f=$E/yazhoubing-zaoqi-xinhao.md; submit $f; approve $f wangliming dentist; approve $f chensiyuan manager  # review_by passed

# 4. Approved, then the writer changed the text: the approvals are stale.
f=$E/xiya-changjian-wuqu.md; submit $f; approve $f wangliming dentist; approve $f chensiyuan manager
sed -i 's/^洗牙/定期洗牙/' $f
as sunhao git commit -q -m "改写开头一句" -- $f

# 5. In review: one approval made, others missing; one approval typed in by the writer (does not count).
f=$E/yunqi-kouqiang-baojian.md; submit $f; approve $f liufang dentist
f=$A/yinxing-jiaozheng-zixun-ri.md; submit $f; approve $f zhaomin compliance
f=$C/zhongzhiya-huifu-zhangshushu.md; submit $f; approve $f wangliming dentist
.venv/bin/python - "$f" <<'PY'
import sys
from pathlib import Path
from smilepress.workflow.front_matter_edit import append_to_list
from smilepress.project import Project
path = Path(sys.argv[1]).resolve()
digest = Project(Path.cwd()).load(path).digest
item = {"by": "chensiyuan", "role": "manager", "at": "2026-11-28T09:30:00+08:00", "digest": digest}
path.write_text(append_to_list(path.read_text(encoding="utf-8"), "approvals", item), encoding="utf-8")
PY
as lixiaoyu git commit -q -m "补上经理的批准（手写，不算数）" -- $f

# 6. Sent back for changes.
f=$F/ertong-duoda-kan-yayi.md; submit $f; as liufang $SP request-changes --reason "请补充乳牙龋齿的就诊建议，并删掉“越早越好”的绝对说法" $f

# 7. Archived after its run.
f=$A/ertong-kouqiang-jiancha-yue.md; submit $f; approve $f zhaomin compliance; approve $f liufang dentist
approve $f chensiyuan manager; as chensiyuan $SP publish $f; as chensiyuan $SP archive $f

# 8. Pages: signed off by the manager.
for f in content/index.md content/about.md content/handbook/shiyong-smilepress.md content/handbook/xiezuo-guifan.md; do
  submit $f; approve $f chensiyuan manager; as chensiyuan $SP publish $f
done
# content/education/leng-re-suanteng.md stays a draft.

# 9. 2026-11-29, after the compliance checks arrived: the ads listed treatments (种植修复, 隐形矫治 …),
#    which a medical ad may not name (医疗广告管理办法 Art. 6–7). The writer cut them back to the
#    whitelisted facts (commit "ads: only the facts a medical ad may carry"), then they went round again.
#    These are the commands that ran then; on a fresh rebuild, make that edit before them.
f=$A/2026-dongji-zhongzhiya-zhuanti.md; submit $f; approve $f zhaomin compliance; approve $f wangliming dentist
approve $f chensiyuan manager; as chensiyuan $SP publish $f
f=$A/yinxing-jiaozheng-zixun-ri.md; approve $f zhaomin compliance

# 10. 2026-12-03: 巴氏刷牙法's review date (2026-12-10) was near; the dentist checked it again and set
#     the next one. The other approvals stay valid. 牙周病的早期信号 stays overdue: the sample's example
#     of medical content that dropped off the site until a dentist re-reviews it.
as wangliming $SP approve --role dentist --re-review --next-review 2027-12-10 $E/shuaya-fangfa.md

# 11. 2026-12-03 (issue 14): approvals are proven by signatures from a trust root on, and the digest
#     covers pictures and linked files (v2). The commit that registered the staff's keys
#     (policies/people.yml `keys:`, sample-keys/) is the sample's trust root, named in the Makefile.
#     Every approval made before it is legacy, so each reviewer signed again, with their own
#     (sample) key, what they had approved: these commands ran then, on main, after that commit.
#     The stale, the typed-in and the sent-back examples stay as they were; the archived ad stays off.
sign() { scripts/sign-as "$2" $SP approve --role "$3" "$1"; }
for f in $E/zhongzhiya-shuhou-huli.md $E/shuaya-fangfa.md $E/ertong-tufu.md $E/yazhoubing-zaoqi-xinhao.md; do
  sign $f wangliming dentist; sign $f chensiyuan manager
done
for f in $E/yinxing-jiaozheng-rumen.md $E/zhichi-baqu-qianhou.md $C/jiaozheng-gushi-xiaolin.md; do
  sign $f liufang dentist; sign $f chensiyuan manager
done
f=$A/2026-dongji-zhongzhiya-zhuanti.md; sign $f zhaomin compliance; sign $f wangliming dentist; sign $f chensiyuan manager
sign $F/xiya-hou-yachi-minggan.md liufang dentist
sign $F/zhongzhiya-neng-yong-duojiu.md wangliming dentist
sign $E/yunqi-kouqiang-baojian.md liufang dentist
sign $A/yinxing-jiaozheng-zixun-ri.md zhaomin compliance
sign $C/zhongzhiya-huifu-zhangshushu.md wangliming dentist
for f in content/index.md content/about.md content/handbook/shiyong-smilepress.md content/handbook/xiezuo-guifan.md; do
  sign $f chensiyuan manager     # pages now need the manager's approval too
done
scripts/sign-as wangliming $SP approve --role dentist --re-review --next-review 2027-12-10 $E/shuaya-fangfa.md
