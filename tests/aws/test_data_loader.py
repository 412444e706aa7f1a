"""The data loader that finds one service's model without listing every service (aws/data_loader.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import UnknownServiceError
from botocore.loaders import Loader

from iam_tui.aws.data_loader import direct_loader
from iam_tui.aws.session import AwsContext
from iam_tui.settings import ConnectionSettings

# What the app and botocore's credential providers create clients of.
SERVICES = ("iam", "sts", "account", "accessanalyzer", "organizations", "sso", "sso-oidc", "signin")
TYPES = ("service-2", "endpoint-rule-set-1", "paginators-1")


@pytest.mark.parametrize("service", SERVICES)
def test_each_model_is_the_one_botocores_loader_gives(service: str) -> None:
    ours, botocores = direct_loader(), Loader()
    for type_name in TYPES:
        try:
            expected = botocores.load_service_model(service, type_name)
        except Exception as err:  # the same failure is expected of ours
            with pytest.raises(type(err)):
                ours.load_service_model(service, type_name)
        else:
            assert ours.load_service_model(service, type_name) == expected


@pytest.mark.parametrize("name", ["no-such-service", "../iam", "", "iam/2010-05-08", ".hidden"])
def test_an_unknown_service_is_still_refused_with_the_known_ones_named(name: str) -> None:
    with pytest.raises(UnknownServiceError) as raised:
        direct_loader().load_service_model(name, "service-2")
    assert "accessanalyzer" in str(raised.value) and "iam" in str(raised.value)


def test_listing_them_gives_botocores_list() -> None:
    assert list(direct_loader().list_available_services("service-2")) == Loader().list_available_services("service-2")


def test_the_apps_clients_are_made_without_listing_every_service(monkeypatch: pytest.MonkeyPatch) -> None:
    def walked(*_: object) -> list[str]:
        raise AssertionError("listed every service")

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example")
    monkeypatch.setattr(Loader, "list_available_services", walked)
    ctx = AwsContext.create(ConnectionSettings(region="us-east-1"))
    for service in ("sts", "iam", "account", "accessanalyzer", "organizations"):
        assert ctx.client(service).meta.service_model.service_name == service


def test_aws_data_path_is_searched_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("AWS_DATA_PATH", f"{first}:{second}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example")
    loader = AwsContext.create(ConnectionSettings(region="us-east-1")).session.get_component("data_loader")
    assert loader.search_paths[:2] == [str(first), str(second)]
