"""The shared plugin registry."""

from core.plugins import Plugin, Registry


class RealGateway(Plugin):
    pass


class SimulatedGateway(RealGateway):
    is_simulator = True


def test_a_subclass_gets_its_own_name_even_after_its_parent_was_loaded(settings):
    """A simulator that extends the real adapter must not inherit the real one's registered name."""
    settings.TEST_GATEWAYS = {"real": f"{__name__}.RealGateway", "sim": f"{__name__}.SimulatedGateway"}
    settings.TEST_GATEWAY = "real"
    registry = Registry("test", paths_setting="TEST_GATEWAYS", choice_setting="TEST_GATEWAY")
    assert registry.get().name == "real"
    assert registry.get("sim").name == "sim"
    assert registry.get("real").name == "real"
    settings.TEST_GATEWAY = "sim"
    assert registry.simulators_in_use() == ["sim"]
