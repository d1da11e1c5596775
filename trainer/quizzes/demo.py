"""Demo data: a small question bank, a district quiz drawn by rules (from it and from the
loaded module questions, if any) and some practice history for the demo worker."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.org.services import department_by_code
from trainer.quizzes import services
from trainer.quizzes.authoring import QuizSettings, RuleSpec, save_quiz
from trainer.quizzes.bank import import_questions
from trainer.quizzes.gift import parse_gift
from trainer.quizzes.grading import correct_answer
from trainer.quizzes.items import QuestionData, from_dict
from trainer.quizzes.models import Attempt, AttemptAnswer, Quiz
from trainer.quizzes.practice import start_practice

QUIZ_TITLE = "网格员综合知识测验"
BANKS = {
    "public-security": """// [tag:difficulty:2] [tag:competency:information] [tag:入户走访]
入户采集人口信息时，网格员首先应当？{=出示工作证件并说明来意 ~直接询问身份证号 ~请邻居代为登记}

// [tag:difficulty:3] [tag:competency:public_opinion] [tag:反诈]
老人接到“公检法”电话要求把钱转到“安全账户”，网格员应当？{
	=立即劝阻并拨打110或96110核实
	~帮老人尽快转账
	~等老人转完再上报
}

// [tag:difficulty:3] [tag:competency:information]
以下哪些属于网格员日常巡查应当上报的事项？{
	~%50%出租屋人员异常变动
	~%50%重点人员动态
	~%-100%邻居家的私人聚会
}

// [tag:difficulty:2] [tag:反诈]
反诈预警专线号码是多少？{=96110}

// [tag:difficulty:4] [tag:competency:mediation]
网格员可以代替公安机关对违法行为作出处罚。{F####网格员没有执法权，发现问题应劝导、记录、上报。}
""",
    "fire": """// [tag:difficulty:2] [tag:消防]
楼道里的电动车应当？{=劝导移到集中停放充电点 ~只要不充电就可以停 ~由网格员没收}

// [tag:difficulty:3] [tag:消防] [tag:competency:communication]
劝导居民清理楼道杂物时，比较有效的做法是？{
	=讲清隐患并约定清理时间，到期回访
	~直接把杂物扔掉
	~发现后不说，只拍照上报
}

// [tag:difficulty:2] [tag:消防]
火警电话是多少？{=119}

// [tag:difficulty:3] [tag:消防]
家用灭火器压力表指针在哪个区域表示正常？{=绿色 ~红色 ~黄色}

// [tag:difficulty:2] [tag:消防]
高层住宅发生火灾时，可以乘坐普通电梯逃生。{F####火灾时普通电梯可能断电或进烟，应走疏散楼梯。}
""",
    "civil-affairs": """// [tag:difficulty:2] [tag:competency:coordination] [tag:走访]
网格员走访独居老人，发现老人近期行动不便，恰当的做法是？{
	=记录情况并联系社区对接居家养老服务
	~劝老人搬去子女家
	~等老人自己申请
}

// [tag:difficulty:3] [tag:competency:mediation]
调解邻里纠纷时，网格员应当先？{=分别听取双方诉求，稳定情绪 ~当场判定谁对谁错 ~让双方自己协商}
""",
}


def seed(users) -> None:
    """Idempotent: a demo bank, the district quiz and practice history, once."""
    admin, _organiser, trainer, worker = users[:4]
    for code, text in BANKS.items():
        questions, problems = parse_gift(text)
        if problems:  # the text above is shipped: a problem is a bug here
            raise RuntimeError(f"demo question bank: {problems}")
        dept = department_by_code(code)
        import_questions(questions, "示例题库", department_id=dept.id if dept else None,
                         author=admin)
    if db.session.scalar(sa.select(Quiz.id).where(Quiz.title == QUIZ_TITLE)) is None:
        _district_quiz(trainer)
    if db.session.scalar(sa.select(Attempt.id).where(Attempt.user_id == worker.id)) is None:
        _practice_history(worker)
    db.session.flush()


def _district_quiz(trainer) -> Quiz:
    ps, fire = department_by_code("public-security"), department_by_code("fire")
    settings = QuizSettings(
        title=QUIZ_TITLE,
        description="公安、消防基础知识，随机抽题：公安5题（难度2以上）、消防5题。",
        mode="draw", rules=[RuleSpec(count=5, department_id=ps.id, min_difficulty=2),
                            RuleSpec(count=5, department_id=fire.id)],
        time_limit=20, max_attempts=3, pass_percent=60, published=True)
    return save_quiz(trainer, settings)


def _practice_history(worker) -> None:
    """One graded practice: the first half answered right, the rest wrong (so the
    notebook and the mastery bars have something to show)."""
    attempt = start_practice(worker, "练习：综合", size=8)
    for at, entry in enumerate(attempt.questions):
        data = from_dict(entry["data"])
        answer = correct_answer(data) if at % 2 == 0 else _wrong(data)
        db.session.add(AttemptAnswer(attempt_id=attempt.id, question_id=entry["id"],
                                     answer=answer))
    db.session.flush()
    services.submit_attempt(attempt, reveal=False)


def _wrong(data: QuestionData):
    if data.type == "single":
        return next(o.key for o in data.options if o.fraction <= 0)
    if data.type == "multiple":
        return [o.key for o in data.options if o.fraction <= 0][:1] or None
    if data.type == "truefalse":
        return not data.truth
    return "不知道" if data.type == "short" else None
