from iam_tui.core.changes import Changed, changed_by_steps
from iam_tui.core.checks import SPECS, CheckId, CheckResult, Status
from iam_tui.core.finish import (
    Made,
    counts_line,
    made_by_steps,
    made_lines,
    removed_by_steps,
    summary_text,
    without_key,
    without_user,
)
from iam_tui.core.plan import PlanStep


def _result(check_id: str, status: Status) -> CheckResult:
    return CheckResult(SPECS[CheckId(check_id)], status, "detail")


def test_made_lines_keep_the_latest_record_of_each_thing_in_order() -> None:
    made = [Made("IAM user", "alice"), Made("AWS CLI profile", "alice", "first try"),
            Made("access key", "AKIA1"), Made("AWS CLI profile", "alice", "verified")]
    assert made_lines(made) == ["  • IAM user: alice", "  • access key: AKIA1", "  • AWS CLI profile: alice (verified)"]


def test_an_alias_set_again_replaces_the_one_before_in_the_summary() -> None:
    """An account has one alias: the summary listed the replaced one too, as if it were still there."""
    made = [Made("account alias", "my-company", "https://my-company.signin.aws.amazon.com/console"),
            Made("IAM user", "alice"),
            Made("account alias", "corpx", "https://corpx.signin.aws.amazon.com/console")]
    assert made_lines(made) == ["  • IAM user: alice",
                                "  • account alias: corpx (https://corpx.signin.aws.amazon.com/console)"]


def test_counts_name_only_the_statuses_present() -> None:
    results = [_result("root-mfa", Status.FAIL), _result("root-access-keys", Status.PASS),
               _result("caller-not-root", Status.WARN), _result("root-hardware-mfa", Status.FAIL)]
    assert counts_line(results) == "1 pass · 2 fail · 1 warn"


def test_summary_lists_what_is_open_and_what_only_the_console_can_do() -> None:
    results = [_result("root-mfa", Status.FAIL), _result("root-access-keys", Status.PASS),
               _result("security-contact", Status.FAIL)]
    text = summary_text([Made("IAM user", "alice")], results, 5, 5)
    assert "Guide steps done: 5 of 5." in text and "• IAM user: alice" in text
    assert "✗ 1.4 Root user has MFA (console only)" in text
    assert "✗ 1.2 A security contact is registered" in text and "(console only)" not in text.split("1.2")[1][:60]
    assert "Root user has no access keys" not in text  # passing checks are only counted
    console = text.split("Left for the console (no API exists)")[1]
    assert "Root user has MFA: Console only" in console and "security contact" not in console


def test_summary_before_any_scan_and_with_nothing_made() -> None:
    text = summary_text([], None, 0, 5)
    assert "nothing yet in this session" in text and "not scanned yet" in text
    assert "Left for the console" not in text


def test_all_console_checks_passing_says_so() -> None:
    text = summary_text([], [_result("root-mfa", Status.PASS), _result("root-hardware-mfa", Status.PASS)], 5, 5)
    assert "nothing: every check that only the console can fix passes" in text


def test_a_create_plan_records_what_it_made() -> None:
    from iam_tui.core.create_plan import GroupChoice, NewUserRequest, build_plan
    from iam_tui.core.secret import Secret

    request = NewUserRequest("alice", GroupChoice("PowerUsers", create=True,
                                                  policy_arn="arn:aws:iam::aws:policy/AdministratorAccess"),
                             password=Secret("Zq9-never-listed"))
    kinds = {(m.kind, m.name) for m in made_by_steps(build_plan(request))}
    assert ("IAM user", "alice") in kinds and ("group", "PowerUsers") in kinds
    assert ("group policy", "AdministratorAccess on PowerUsers") in kinds
    assert ("group membership", "alice in PowerUsers") in kinds
    assert ("console password", "alice") in kinds
    lines = made_lines(made_by_steps(build_plan(request)))
    assert "  • console password: alice (to be changed at first sign-in)" in lines
    assert not any("Zq9-never-listed" in m.name + m.note for m in made_by_steps(build_plan(request)))


def test_what_the_fixes_plans_make_is_named_and_an_analyzer_is_one_line() -> None:
    from iam_tui.core.analyzer_fix import analyzers_plan
    from iam_tui.core.support_role import support_role_plan

    plan = support_role_plan("123456789012", "aws", "AWSSupportRole", [])
    role = {(m.kind, m.name) for m in made_by_steps(plan.steps)}
    assert role == {("role", "AWSSupportRole"), ("role policy", "AWSSupportAccess on AWSSupportRole")}
    [analyzer] = made_by_steps(analyzers_plan(["us-east-1", "eu-west-1"], "iam-tui").steps)
    assert (analyzer.kind, analyzer.name) == ("Access Analyzer", "iam-tui")
    assert analyzer.note == "in 2 region(s): us-east-1, eu-west-1"


def test_a_removed_user_leaves_what_iam_tui_made_with_one_line_saying_so() -> None:
    made = [Made("IAM user", "bob", user="bob"), Made("group", "Admins"),
            Made("MFA device", "arn:aws:iam::1:mfa/bob", "virtual, assigned to bob", user="bob"),
            Made("access key", "AKIA1", "of bob", user="bob"), Made("file", "/tmp/bob_accessKeys.csv")]
    text = summary_text(without_user(made, "bob"), None, 1, 5)
    kept, removed = text.split("What iam-tui made")[1].split("What was removed")
    assert "bob" not in kept.replace("/tmp/bob_accessKeys.csv", "") and "Admins" in kept
    assert "• IAM user: bob (removed in this session, with its MFA device, access key)" in removed


def test_a_deleted_key_and_a_removed_profile_move_from_made_to_removed() -> None:
    made = [Made("access key", "AKIA1", "of dan", user="dan"), Made("access key", "AKIA2", "of dan", user="dan"),
            Made("AWS CLI profile", "dan", "in ~/.aws/credentials", user="dan")]
    made = [*without_key(without_key(made, "AKIA1", "dan"), "AKIA1", "dan"),  # said once, however often it comes
            Made("AWS CLI profile", "dan", "its key deleted, the profile removed", gone=True)]
    kept, removed = summary_text(made, None, 1, 5).split("What iam-tui made")[1].split("What was removed")
    assert "AKIA1" not in kept and "AKIA2" in kept and "AWS CLI profile" not in kept
    assert removed.count("AKIA1") == 1 and "• access key: AKIA1 (of dan, deleted in this session)" in removed
    assert "• AWS CLI profile: dan (its key deleted, the profile removed)" in removed


def test_every_key_iam_tui_deleted_is_said_also_one_it_did_not_make() -> None:
    made = without_key(without_key([Made("group", "Admins")], "AKIA9", "lee"), "AKIAROOT", None)
    kept, removed = summary_text(made, None, 1, 5).split("What iam-tui made")[1].split("What was removed")
    assert "AKIA9" not in kept and "• access key: AKIA9 (of lee, deleted in this session)" in removed
    assert "• root access key: AKIAROOT (deleted in this session)" in removed
    retired = [Made("root access key", "AKIAROOT", "deleted; iam-tui went on with profile alice", gone=True)]
    assert without_key(retired, "AKIAROOT", None) == retired  # step 5 said it in its words


def test_what_a_write_changed_names_its_users_and_the_removed_ones() -> None:
    changed = Changed.key("alice", "AKIA1") | Changed.user("bob", removed=True) | Changed.setting("password policy")
    assert changed.users == {"alice", "bob"} and changed.removed_users == {"bob"}
    assert (changed | Changed.key("alice", "AKIA2", removed=True)).removed_keys == {"AKIA2": "alice"}
    assert Changed().with_removed_keys([(None, "AKIAROOT")]).removed_keys == {"AKIAROOT": None}
    steps = changed_by_steps([{"UserName": "ann", "PolicyArn": "arn"}, {"GroupName": "g", "UserName": "ann"}])
    assert steps.users == {"ann"} and [e.name for e in steps.entities] == ["ann", "g"]


def test_a_console_password_a_fix_deleted_moves_to_removed_and_a_removed_users_is_in_its_line() -> None:
    made = [Made("console password", "ann", "to be changed at first sign-in", user="ann")]
    fix = [PlanStep("Remove ann's console password", "DeleteLoginProfile", {"UserName": "ann"}, None, no_undo="x")]
    kept, removed = summary_text([*made, *removed_by_steps(fix)], None, 1, 5).split("What iam-tui made")[1].split(
        "What was removed")
    assert "ann" not in kept and "• console password: ann (deleted in this session)" in removed
    removal = [*fix, PlanStep("Delete user ann", "DeleteUser", {"UserName": "ann"}, None, no_undo="x")]
    assert removed_by_steps(removal) == []


def test_a_policy_moved_off_a_user_leaves_made_and_is_said_as_removed_once() -> None:
    """The guide attached IAMUserChangePassword to alice; the 1.14 fix moved it to a group: the summary listed it on
    alice for good, and alice's removal line later named it among what went with her."""
    arn = "arn:aws:iam::aws:policy/IAMUserChangePassword"
    made = [Made("IAM user", "alice", user="alice"),
            Made("user policy", "IAMUserChangePassword on alice", user="alice")]
    move = [PlanStep("Create group g", "CreateGroup", {"GroupName": "g"}, "DeleteGroup", {"GroupName": "g"}),
            PlanStep("Attach", "AttachGroupPolicy", {"GroupName": "g", "PolicyArn": arn}, "DetachGroupPolicy",
                     {"GroupName": "g", "PolicyArn": arn}),
            PlanStep("Add", "AddUserToGroup", {"GroupName": "g", "UserName": "alice"}, "RemoveUserFromGroup",
                     {"GroupName": "g", "UserName": "alice"}),
            PlanStep("Detach", "DetachUserPolicy", {"UserName": "alice", "PolicyArn": arn}, "AttachUserPolicy",
                     {"UserName": "alice", "PolicyArn": arn})]
    made += [*made_by_steps(move), *removed_by_steps(move)]
    kept, removed = summary_text(made, None, 1, 5).split("What iam-tui made")[1].split("What was removed")
    assert "user policy" not in kept and "• group policy: IAMUserChangePassword on g" in kept
    assert "• user policy: IAMUserChangePassword on alice (detached in this session)" in removed
    gone = summary_text(without_user(made, "alice"), None, 1, 5).split("What was removed")[1]
    assert "• IAM user: alice (removed in this session, with its group membership)" in gone


def test_account_settings_are_said_apart_the_latest_of_each() -> None:
    from iam_tui.core.password_policy import PasswordPolicy, policy_text

    cis = PasswordPolicy(minimum_length=14, require_symbols=True, require_numbers=True, reuse_prevention=24,
                         allow_users_to_change=True)
    assert policy_text(cis) == ("14+ characters; with symbols, numbers; none of the last 24 again; "
                                "users may change their own")
    made = [Made("password policy", policy_text(PasswordPolicy())), Made("security contact", "Sec <s@example.com>"),
            Made("password policy", policy_text(cis))]
    text = summary_text(made, None, 1, 5)
    assert "What iam-tui made\n  nothing yet in this session" in text
    settings = text.split("Account settings iam-tui set")[1].split("What the checks say now")[0]
    assert [line.strip() for line in settings.strip().splitlines()] == ["• security contact: Sec <s@example.com>",
                                             f"• password policy: {policy_text(cis)}"]
