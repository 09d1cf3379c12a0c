"""The periodic-work page says a run's result in Chinese, whatever keys the work answers with."""

from jobs.views import _result_text


def test_a_runs_result_reads_in_chinese_with_the_programmes_named():
    text = _result_text(
        {"counties": 1, "elderly_allowance": 3, "elderly_allowance_seconds": 0.5, "closed_gone": 0, "新立复核案件": 2}
    )
    assert text == "县区数：1；高龄津贴：3；高龄津贴用时（秒）：0.5；死亡或迁出而关闭：0；新立复核案件：2"
    assert _result_text({"adjusted": 0, "programme": "elderly_allowance"}) == "调整档次人数：0；项目：高龄津贴"
