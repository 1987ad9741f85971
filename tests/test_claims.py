"""Claims as structure and the clinic's identity as data (issue 16).

A `claim` rule is parts that must all occur in one clause (or sentence); the clinic's own names,
phones and addresses come from policies/clinics.yml and nowhere else in the packs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from smilepress.checks.engine import Checker, Document
from smilepress.checks.rule_packs import CATEGORIES, load_rules
from smilepress.model.clinics import load_clinics

REPO = Path(__file__).resolve().parent.parent
TYPES = {"education", "ad", "faq", "case", "page"}
ROLES = {"writer", "dentist", "manager", "compliance"}
CLAIM_CATEGORIES = CATEGORIES[: CATEGORIES.index("disguised-ad") + 1]


def project(tmp_path: Path, packs: dict[str, str] | None = None, clinics: str | None = None):
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    for name, text in (packs or {}).items():
        (tmp_path / "policies" / "compliance" / name).write_text(text, encoding="utf-8")
    if clinics is not None:
        (tmp_path / "policies" / "clinics.yml").write_text(clinics, encoding="utf-8")
    return tmp_path


def findings(checker: Checker, text: str, type_: str = "education"):
    front = f"---\ntitle: 示例\ntype: {type_}\n---\n\n"
    return checker.check(Document("x.md", front + text, type_, {"title": "示例"}), _today())


def _today():
    import datetime as dt

    return dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(load_rules(REPO, TYPES, ROLES))


# -- the claim rule type ---------------------------------------------------------------------
LOCAL = (
    "rules:\n"
    "  - id: local/promise\n    category: efficacy-guarantee\n    type: claim\n"
    "    level: review\n    reviewer: dentist\n"
    "    message: m\n    basis: b\n"
    "    parts:\n"
    "      - pattern: '[一二三\\d]+天'\n"
    "      - any: [消肿, 上班]\n"
)


def test_a_claim_needs_every_part_in_one_clause(tmp_path):
    ck = Checker(load_rules(project(tmp_path, {"local.yml": LOCAL}), TYPES, ROLES))
    rule = [f for f in findings(ck, "种完三天消肿。") if f.rule == "local/promise"]
    assert [(f.match, f.level, f.reviewer) for f in rule] == [("三天", "review", "dentist")]
    assert not [f for f in findings(ck, "种完三天。消肿要看个人。") if f.rule == "local/promise"]
    assert not [f for f in findings(ck, "种完三天，然后消肿。") if f.rule == "local/promise"]


def test_a_broken_claim_is_refused_at_its_line(tmp_path):
    broken = (
        "rules:\n"
        "  - id: local/one-part\n    category: comparison\n    type: claim\n"
        "    message: m\n    basis: b\n    parts:\n      - any: [别家]\n"
        "  - id: local/empty-part\n    category: comparison\n    type: claim\n"
        "    message: m\n    basis: b\n    within: chapter\n    parts:\n"
        "      - any: [别家]\n      - {}\n"
        "  - id: local/unknown-lexicon\n    category: comparison\n    type: claim\n"
        "    message: m\n    basis: b\n    parts:\n"
        "      - pattern: '${no_such_words}'\n      - any: [更好]\n"
    )
    rules = load_rules(project(tmp_path, {"local.yml": broken}), TYPES, ROLES)
    messages = [str(p) for p in rules.problems]
    assert any("local.yml:7" in m and "至少两个 parts" in m for m in messages), messages
    assert any("local.yml:14" in m and "within" in m for m in messages), messages
    assert any("local.yml:17" in m and "any" in m for m in messages), messages
    assert any("local.yml:24" in m and "no_such_words" in m for m in messages), messages
    assert not any(r.id.startswith("local/") for r in rules.rules)


@pytest.mark.parametrize(
    "text, category",
    [
        ("做完第二天就能正常上班，完全不影响生活。", "efficacy-guarantee"),
        ("这种贴面用上二十年都不会变色。", "efficacy-guarantee"),
        ("整个过程零风险，放心交给我们。", "efficacy-guarantee"),
        ("很多医院不敢接的复杂病例，最后都转到我们这里。", "comparison"),
        ("这款牙膏的效果不输进口品牌。", "comparison"),
        ("市口腔协会的会长亲自体验后，在我们这里做了全口种植。", "endorsement"),
        ("张女士做完贴面后终于敢笑了，还介绍了好几个同事来。", "patient-testimonial"),
        ("一口黄牙，见喜欢的人都抬不起头。", "aesthetic-anxiety"),
        ("我们做的根管，一次完成的比例在九成以上。", "cure-rate"),
        ("论种植量，我们在本市稳坐头把交椅。", "absolute-claim"),
    ],
)
def test_claims_in_wording_no_word_list_holds(checker, text, category):
    got = {f.category for f in findings(checker, text) if f.level in ("error", "review")}
    assert category in got, got


@pytest.mark.parametrize(
    "text",
    [
        "拔牙后 24 小时内不要刷牙漱口，一般 3 到 5 天消肿，具体因人而异。",
        "恒牙也叫永久牙，脱落后不会再长出来。",
        "活动义齿和种植牙各有优缺点，适合的人群不同，请医生评估。",
        "中华口腔医学会推荐使用含氟牙膏，每天早晚刷牙。",
        "牙齿不齐可能影响咬合和清洁，建议请正畸医生评估。",
        "拔牙前一晚要保证充足睡眠。",
        "研究发现，牙周炎患者患心血管疾病的风险是普通人的 2 倍左右。",
        # the rules themselves, as a writing guide states them: prohibitions are no claims
        "不得使用患者的名义或形象作证明，不得利用医生、专家的形象作推荐。",
        "禁止借明星、协会或媒体之口推荐某个品牌或机构。",
    ],
)
def test_education_that_makes_no_claim_gets_none(checker, text):
    claims = [f for f in findings(checker, text) if f.rule.startswith("claim/")]
    assert not claims, [(f.rule, f.match) for f in claims]


# -- the clinic's identity -------------------------------------------------------------------
CLINICS = (
    "version: 1\nclinics:\n  - id: x\n    name: 晨光口腔\n    brands: [晨光齿科]\n"
    "    phones: [0755-2345 6789]\n"
)


def test_our_clinic_named_makes_a_claim_the_clinic_saying_it_of_itself(tmp_path):
    plain = Checker(load_rules(project(tmp_path / "a"), TYPES, ROLES))
    ours = Checker(load_rules(project(tmp_path / "b", clinics=CLINICS), TYPES, ROLES))
    text = "晨光齿科的种植技术是最好的。"
    assert {f.level for f in findings(plain, text) if f.category == "absolute-claim"} == {"review"}
    assert "error" in {f.level for f in findings(ours, text) if f.category == "absolute-claim"}


def test_our_published_phone_is_not_personal_data_and_others_are(tmp_path):
    ours = Checker(load_rules(project(tmp_path, clinics=CLINICS), TYPES, ROLES))
    assert "pii-phone" not in {f.category for f in findings(ours, "电话：0755-2345 6789", "page")}
    assert "pii-phone" in {f.category for f in findings(ours, "电话：0755-2345 6790", "page")}


def test_a_broken_clinics_file_points_at_its_line(tmp_path):
    root = project(
        tmp_path,
        clinics="version: 1\nclinics:\n  - id: x\n    phone: [1]\n  - id: y\n    name: 乙\n",
    )
    problems: list = []
    clinics = load_clinics(root, problems)
    messages = [str(p) for p in problems]
    assert any("clinics.yml:4" in m and "phone" in m for m in messages), messages
    assert any("clinics.yml:3" in m and "name" in m for m in messages), messages
    assert clinics.names == ("乙",)
    assert any("clinics.yml" in str(p) for p in load_rules(root, TYPES, ROLES).problems)


def test_a_pack_cannot_redefine_a_clinic_lexicon(tmp_path):
    root = project(tmp_path, {"local.yml": "lexicons:\n  clinic_names: [别家口腔]\n"})
    messages = [str(p) for p in load_rules(root, TYPES, ROLES).problems]
    assert any("local.yml:2" in m and "clinics.yml" in m for m in messages), messages


def _identities() -> set[str]:
    """Every clinic name and phone the project or a labeled set speaks for."""
    found = set()
    for path in [REPO / "policies/clinics.yml", *REPO.glob("tests/compliance/*.clinics.yml")]:
        for clinic in yaml.safe_load(path.read_text(encoding="utf-8"))["clinics"]:
            found |= {clinic["name"], *clinic.get("brands", ()), *clinic.get("phones", ())}
    return found


def test_the_rule_packs_name_no_clinic_and_no_phone():
    packs = "\n".join(
        p.read_text(encoding="utf-8") for p in (REPO / "policies/compliance").glob("*.yml")
    )
    named = {x for x in _identities() if x in packs}
    assert not named, f"identity belongs in policies/clinics.yml, not the packs: {named}"
    assert not re.search(r"\d{3,4}-\d{4}[ -]?\d{4}", packs)  # no phone number of anyone


def _disguises(text: str) -> list[str]:
    """The same sentence as a writer who wants past the checks would write it."""
    middle = len(text) // 2
    return [
        text[:middle] + "\u200d" + text[middle:],  # a zero-width joiner
        text[:middle] + f"&#{ord(text[middle])};" + text[middle + 1 :],  # an entity
        text[:middle] + "<span>" + text[middle:] + "</span>",  # a tag splitting a word
        "`" + text + "`",  # code is read as shown
    ]


@pytest.mark.parametrize(
    "text, category",
    [
        ("做完第二天就能正常上班。", "efficacy-guarantee"),
        ("很多医院不敢接的复杂病例，最后都转到我们这里。", "comparison"),
        ("一口黄牙，见喜欢的人都抬不起头。", "aesthetic-anxiety"),
    ],
)
def test_a_disguised_claim_is_the_same_claim(checker, text, category):
    for disguised in _disguises(text):
        got = {f.category for f in findings(checker, disguised) if f.level in ("error", "review")}
        assert category in got, (disguised, got)


# -- paraphrases written here, none taken from a set: a writer rephrasing keeps the claim -------
@pytest.mark.parametrize(
    "text, category",
    [
        # comparison: other providers fall short, or are set against us, without 比
        ("跑了好几家医院都说只能拔，到了我们这里保住了。", "comparison"),
        ("之前的医生连片子都没仔细看，这位医生讲了整整半小时。", "comparison"),
        ("外面的小诊所不敢做的即刻种植，我院每周都在做。", "comparison"),
        ("在公立医院要排两个月的号，我们当天就能安排。", "comparison"),
        ("论细致，别家都不如这里。", "comparison"),
        ("普通冷光美白只能管半年，想要彻底白下去还得做贴面。", "comparison"),
        ("传统拔智齿要用锤子敲，而超声骨刀避免了敲击的震动。", "comparison"),
        ("这套隐形矫治器的精度不亚于进口品牌。", "comparison"),
        ("相比外面的连锁机构，我们每一步都由主任亲自操作。", "comparison"),
        ("我们是本市少数能开展穿颧种植的机构之一。", "comparison"),
        ("别人家要做三次的根管，我们一次就能完成。", "comparison"),
        ("国产种植体用几年就容易出问题，还是进口的靠谱。", "comparison"),
        ("跟连锁机构流水线式的服务不一样，我们每位患者都由主任全程负责。", "comparison"),
        ("做贴面还是得找专业的美学中心，一般诊所做出来的颜色太假。", "comparison"),
        ("本院的即刻种植技术，让你免受传统种植等待三到六个月的痛苦。", "comparison"),
        ("大医院的医生每天看几十个号，根本没时间给你细讲。", "comparison"),
        # efficacy: an outcome said as certain, total, instant, lasting or as good as nature
        ("只需一个疗程，牙齿敏感的问题就能得到根本解决。", "efficacy-guarantee"),
        ("只要来做一次，口臭问题立刻消失。", "efficacy-guarantee"),
        ("专家团队确保每一颗种植体都能稳固。", "efficacy-guarantee"),
        ("无论牙齿多松，我们都能帮你保住。", "efficacy-guarantee"),
        ("只要按我们的方案做，效果有保障。", "efficacy-guarantee"),
        ("一次治疗即可达到理想效果。", "efficacy-guarantee"),
        ("全瓷冠美观耐用，戴上就和自己的牙一样。", "efficacy-guarantee"),
        ("种牙一小时，咀嚼二十年。", "efficacy-guarantee"),
        ("美白牙贴连续使用七天，牙齿就能白三到四个色号。", "efficacy-guarantee"),
        ("经过系统治疗，牙齿稳固，五年未复发。", "efficacy-guarantee"),
        ("快速矫正，最快半年就能看到明显变化。", "efficacy-guarantee"),
        ("我们的矫正方案能让孩子的下巴发育得更好，脸型更漂亮。", "efficacy-guarantee"),
        ("今天检查，明天种植，后天就能戴牙上班。", "efficacy-guarantee"),
        ("三天见效，七天痊愈，无效全额退款。", "efficacy-guarantee"),
        ("28天逆转牙龈萎缩，重现健康牙龈。", "efficacy-guarantee"),
        ("拔完智齿当天就能吃饭，无需忌口。", "efficacy-guarantee"),  # 无需 is no hedge
        ("坚持使用三个疗程，可使松动的牙齿重新稳固。", "efficacy-guarantee"),
        # endorsement: an authority vouching, a famous patient, a title as the reason to come
        ("我们的种植技术获得了行业协会的认证。", "endorsement"),
        ("本院被市口腔质控中心评为示范单位。", "endorsement"),
        ("某知名歌手的矫正就是在我们这里做的。", "endorsement"),
        ("这套隐形矫治系统由多位院士联合推荐。", "endorsement"),
        ("经三甲医院专家验证，这套方案安全有效。", "endorsement"),
        ("主任曾在知名三甲医院工作十余年，现坐诊我院。", "endorsement"),
        ("连很多牙医自己都选择来我们这里种牙。", "endorsement"),
        ("院长亲自主刀，全程把关。", "endorsement"),
        # testimonial: a patient's own story of a provider, a story's life outcome, reviews
        ("我家孩子就是在这家诊所矫正的，医生特别耐心。", "patient-testimonial"),
        ("病例分享：小周矫正一年后整个人都开朗了，还交了女朋友。", "patient-testimonial"),
        ("我们在大众点评上有两千多条好评。", "patient-testimonial"),
        ("很多患者的矫正记录都发在我们的公众号上，欢迎查看。", "patient-testimonial"),
        # disguised ad: a named clinic's case or doctor inside 科普, a call to click and book
        ("去年在晨星口腔做完种植的李阿姨，现在吃什么都香。", "disguised-ad"),
        ("美齿口腔的院长表示，隐形矫正适合大多数成年人。", "disguised-ad"),
        ("想了解适合自己的方案，点击下方卡片预约面诊。", "disguised-ad"),
        ("微信搜索“某某齿科”即可预约。", "disguised-ad"),
        # cure rate: a rate said with its figure, a zero count, N out of M
        ("本院隐形矫正一次完成率在九成以上。", "cure-rate"),
        ("我们诊所的种植体五年保留率高达98%，种植套餐6800元起。", "cure-rate"),
        ("我们拔了上万颗智齿，没有一例伤过神经。", "cure-rate"),
        ("主任做的种植牙，十个里面有九个一次成功。", "cure-rate"),
        ("我们做过的三千多例种植中，只有两例需要返工。", "cure-rate"),
        ("我们的种植成功率非常高，您完全可以放心。", "cure-rate"),
    ],
)
def test_a_rephrased_claim_is_still_caught(checker, text, category):
    got = {f.category for f in findings(checker, text) if f.level in ("error", "review")}
    assert category in got, got


@pytest.mark.parametrize(
    "text",
    [
        # the false positives issue 16 lists: anatomy, timing, public programmes, a society's method
        "牙釉质是人体所有组织中最坚硬的部分。",
        "第一恒磨牙是口腔里最大的牙齿，也最容易蛀。",
        "6 到 8 岁是做窝沟封闭的最佳时间。",
        "牙齿脱落后 30 分钟内是再植的最好时机，应及时到口腔专科医院或综合医院口腔科就诊。",
        "区卫健委联合社区卫生服务中心开展免费口腔筛查，适龄儿童可免费做窝沟封闭。",
        "中华口腔医学会推荐使用巴氏刷牙法，每次刷牙不少于两分钟。",
        # balanced comparisons and advice on choosing a provider
        "专科口腔医院和综合医院口腔科各有特点，适合不同需求的人群。",
        "普通的牙医也可以给孩子看牙，关键是有耐心、有儿童口腔的经验。",
        "选择诊所时可以多咨询几家医院，确认机构有执业许可。",
        "传统金属托槽价格较低，但美观性差；隐形矫治美观，但费用较高，适应证也有限。",
        # outcomes said as information: hedged, or about hygiene, or debunked
        "洗牙能彻底去除牙结石，但不能让牙齿变白。",
        "种植牙和真牙一样需要认真清洁，定期复查。",
        "牙周炎经过规范治疗，多数人的牙龈出血可以明显改善，但需要长期维护。",
        "隐形矫正一次到位率与病例难度有关，大部分人需要精调。",
        "误区：种植牙可以终身使用，不用再管。",
        # authorities giving advice, and a byline
        "选择机构时要查看是否有卫健委颁发的执业许可证。",
        "世界卫生组织建议每天刷牙两次，每次两分钟。",
        "有的家长盲目模仿明星做牙齿美白，其实并不一定适合孩子。",
        "本文由口腔医学博士、主治医师王某审核。",
        # the doctor writing in the first person, and warnings about doctored pictures
        "作为一名医生，我建议大家每年做一次口腔检查。",
        "我在门诊经常遇到患者问：洗牙会不会伤牙？",
        "不要轻信网上那些美白前后对比照，很多是修过图的。",
        "如果孩子因为牙齿被同学起外号，家长要多给予心理支持。",
        # the mouth as a source, and advice to see any dentist
        "口臭大多来源于口腔本身，如舌苔和牙周袋。",
        "如果牙疼持续不缓解，请及时到附近的口腔诊所就诊。",
        "孩子第一次看牙，可以先去正规口腔医院做个检查。",
        # rates with their sources
        "研究显示，种植牙十年存活率在90%以上[1]。",
        "我国12岁儿童患龋率为38.5%，来源：第四次全国口腔健康流行病学调查。",
        # a claim quoted to question it, a goal, a concession, the best way to brush
        "听说有“无痛种牙”，是真的吗？",
        "“完全无痛”的说法并不准确，术后仍可能有肿胀。",
        "为患者提供最好的服务，是我们始终的追求。",
        "即使是最有经验的医生，也可能遇到术中出血。",
        "最好的刷牙方法是巴氏刷牙法，每次两分钟。",
        # a news source cited for a public-health fact; a concession naming the drawback
        "据央视报道，我国 12 岁儿童患龋率有所下降。",
        "冷光美白见效快，但维持时间较短，可能引起敏感。",
    ],
)
def test_education_issue_16_calls_clean_stays_clean(checker, text):
    claims = [
        f
        for f in findings(checker, text)
        if f.category in CLAIM_CATEGORIES and f.level in ("error", "review")
    ]
    assert not claims, [(f.rule, f.match) for f in claims]


# -- shapes in general words (session 10): each with a positive and its clean twin -----------------
@pytest.mark.parametrize(
    "rule, claim, twin",
    [
        # a treatment + the absence of pain or risk, with no 完全 or 零 to give it away
        (
            "claim/no-pain-no-risk",
            "我们的隐形矫治技术无创无风险，适合所有人。",
            "种植牙不是无痛的，术后会有肿胀。",
        ),
        (
            "claim/no-pain-no-risk",
            "种植牙术中不疼，术后也不肿，放心来做。",
            "拔牙前会打局部麻醉，所以拔牙时一般不痛，麻药过后可能会有些疼。",
        ),
        # a treatment + how soon it is done: 当天就能, 第二天就可以
        (
            "claim/soon-done",
            "种完第二天就可以去面试了。",
            "种植后一般 3 到 6 个月就可以戴牙，具体因人而异。",
        ),
        (
            "claim/soon-done",
            "做完全瓷冠当天就能正常吃饭。",
            "拔牙后 24 小时才可以刷牙。",
        ),
        # a comparison that never says 比
        (
            "claim/not-every-provider",
            "不是每家医院都能做即刻种植。",
            "不是所有医院都能做种植，建议选择有资质的机构。",
        ),
        (
            "claim/not-every-provider",
            "这才是真正的无痛拔牙。",
            "预防才是真正的治疗。",
        ),
        # an authority or a famous person + an endorsing act or quoted praise
        (
            "claim/authority-backs-offer",
            "好几位明星都选择了这个牌子的隐形牙套。",
            "中华口腔医学会推荐使用含氟牙膏。",
        ),
        (
            "claim/authority-speaks-well",
            "一位教授说：“这家诊所的种植水平在省里是一流的。”",
            "专家表示：“种植牙并非适合所有人，应先做检查。”",
        ),
        # a patient's own words about the result, quoted in a 科普 page
        (
            "claim/first-person-quote",
            "“我做完一点都不疼，早知道就早点来了。”一位患者这样说。",
            "很多人问：“我洗完牙为什么更敏感了？”",
        ),
        # an appearance defect + what others will think, or a "再……也" threat
        (
            "claim/looks-threat",
            "牙不白，再贵的衣服也撑不起来。",
            "如果孩子因为牙齿被同学取笑，家长要多给予心理支持。",
        ),
        (
            "claim/looks-threat",
            "面试官第一眼就会注意到你的牙。",
            "面试官第一眼看的是你的简历。",
        ),
        # the effect praised as sure, and a result that will not come back
        (
            "claim/effect-praised",
            "这款美白牙膏效果非常明显，用一周就能看到变化。",
            "冷光美白见效快，但维持时间较短，可能引起敏感。",
        ),
        (
            "claim/no-relapse",
            "隐形矫正做完以后绝不反弹。",
            "矫正结束后要坚持戴保持器，否则牙齿可能反弹。",
        ),
        # comparisons without 比: a fraction of the others' price, their months and our week
        (
            "claim/fraction-of-others",
            "这里种一颗牙的价格只有公立医院的一半。",
            "乳牙的牙根只有恒牙的一半长。",
        ),
        (
            "claim/they-need-we-dont",
            "别人要三个月才能戴牙，我们这里只需一周。",
            "传统种植需要切开牙龈，而微创种植只需一个小孔，但并不适合所有人。",
        ),
        # a patient's diary, and "the most … of its kind"
        (
            "claim/treatment-diary",
            "小雅的矫正日记：第 30 天，牙缝已经合上了。",
            "医生会在病历里记录每次复诊的情况。",
        ),
        (
            "claim/most-of-its-kind",
            "这是全市最专业的种植团队，没有之一。",
            "选牙膏时最重要的是含氟。",
        ),
        # a named clinic's team or system in a 科普 page, a public programme fronting a clinic
        (
            "claim/named-clinic-offer",
            "明远齿科的种植团队采用全程数字化设计。",
            "北京大学口腔医院的专家建议每年检查一次。",
        ),
        (
            "claim/charity-front",
            "本次公益行动由安和口腔全程提供援助卡。",
            "区卫健委联合社区卫生服务中心开展公益口腔筛查。",
        ),
        # a patient's words attributed, a rate with no source, "the first"
        (
            "claim/patient-attributed",
            "“戴上以后吃什么都香，真后悔没早点做。”——来自一位种植顾客",
            "“早晚刷牙，饭后漱口。”——摘自社区口腔健康宣传页",
        ),
        (
            "claim/patient-quoted",
            "王女士笑着说：“种完一点都不疼，吃饭香多了。”",
            "患者说：“我最近刷牙总出血，怎么办？”",
        ),
        (
            "claim/outcome-rate",
            "成功率高达 99.6%，让您放心种牙。",
            "研究显示，种植牙十年成功率达到 95% 以上[1]。",
        ),
        (
            "claim/first-of-its-kind",
            "本院在全市率先开展数字化导板种植。",
            "我国首个儿童口腔健康指南于今年发布。",
        ),
        # a price offered, and a promotion in a public-welfare frame; reports and public talks
        (
            "ad-law/inducement-discount",
            "洁牙套餐 99 元，本周有效。",
            "某机构广告宣传“种植套餐价 3999 元”，实际另收多项费用。",
        ),
        (
            "ad-law/inducement",
            "爱牙公益行：当天预约种植，再享买一送一。",
            "市口腔医学会主办公益讲座，免费入场。",
        ),
        # one method's gains over the ordinary one, and the same weighed against its drawback
        (
            "claim/method-advantage",
            "与普通牙刷相比，这款声波牙刷的清洁力提升 3 倍。",
            "与传统托槽相比，隐形矫治更美观。它的缺点是费用较高，而且需要自觉佩戴。",
        ),
        (
            "claim/method-advantage",
            "较传统种植，数字化导板种植手术时间缩短一半。",
            "与传统种植相比，即刻种植可以减少手术次数。然而它对骨量的要求更高。",
        ),
        # the patient's own voice in a case page, and the doctor's
        (
            "claim/patient-voice",
            "我从小就是地包天，拍照只敢拍正脸。",
            "作为医生，我一直建议患者每半年洗一次牙。",
        ),
        # looks tied to fate, money, love or career; and that link denied
        (
            "claim/looks-decide-life",
            "一口整齐的白牙，决定了你在职场上能走多远。",
            "牙齿颜色和一个人的运势并无关联，那只是民间的说法。",
        ),
        # the old way's faults, then the new one's gains after a ；, and the same with its drawbacks
        (
            "claim/old-versus-new",
            "传统钢牙套容易磨嘴、影响美观；隐形矫正美观舒适，适合成年人。",
            "传统钢牙套会磨嘴；隐形矫正更美观，但费用较高，也不适合复杂病例。",
        ),
    ],
)
def test_a_claim_shape_and_its_clean_twin(checker, rule, claim, twin):
    category = next(r.category for r in checker.rules if r.id == rule)
    got = {f.category for f in findings(checker, claim) if f.level in ("error", "review")}
    assert category in got, got
    clean = [
        (f.rule, f.match)
        for f in findings(checker, twin)
        if f.category in CLAIM_CATEGORIES and f.level in ("error", "review")
    ]
    assert not clean, clean


def test_a_shape_rule_blocks_only_when_the_clinic_says_it_of_itself(checker):
    """Outside an ad a shape is a review (routes to the dentist); the clinic saying it of itself
    makes it an error, and in an ad it is always one."""
    said = "种植牙术中不疼，术后也不肿。"
    levels = {f.level for f in findings(checker, said) if f.rule == "claim/no-pain-no-risk"}
    assert levels == {"review"}
    ours = {f.level for f in findings(checker, "本院" + said) if f.rule == "claim/no-pain-no-risk"}
    assert ours == {"error"}
    in_ad = {f.level for f in findings(checker, said, "ad") if f.rule == "claim/no-pain-no-risk"}
    assert in_ad == {"error"}


def test_an_implied_finding_takes_the_level_its_implication_names(tmp_path):
    """The clinic's own claim on a 科普 page blocks; that the page is therefore a disguised ad is
    routed to compliance (implies: level: review), not a second error."""
    checker = Checker(load_rules(project(tmp_path), TYPES, ROLES))
    found = findings(checker, "本院种植牙术中不疼，术后也不肿。")
    implied = [f for f in found if f.rule == "net-ad/self-promotion"]
    assert implied and {f.level for f in implied} == {"review"}
    assert {f.level for f in found if f.rule == "claim/no-pain-no-risk"} == {"error"}
    bad = project(
        tmp_path / "bad",
        {
            "zz.yml": "implies:\n  - categories: [comparison]\n    in: [faq]\n"
            "    rule: net-ad/self-promotion\n    level: loud\n"
        },
    )
    problems = load_rules(bad, TYPES, ROLES).problems
    assert any("loud" in p.message and "zz.yml" in p.path for p in problems), problems


def test_an_effect_word_in_an_ad_is_a_review_and_a_service_name_is_none(checker):
    """In an ad a result verb alone (消肿, 见效) names efficacy for the reviewer without blocking
    (the whitelist blocks the ad); the names of services an ad may list are no claim."""
    said = {
        (f.rule, f.level)
        for f in findings(checker, "术后第三天基本消肿，欢迎来电。", "ad")
        if f.category == "efficacy-guarantee"
    }
    assert ("claim/effect-word-in-ad", "review") in said, said
    listed = [
        f.rule
        for f in findings(checker, "诊疗科目：口腔科。服务项目：洁牙、牙齿美白、脱敏治疗。", "ad")
        if f.category == "efficacy-guarantee"
    ]
    assert not listed, listed
