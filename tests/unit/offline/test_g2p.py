"""espeak's IPA to the recogniser's ARPAbet phones."""

from studio.offline.g2p import arpabet, ipa_to_arpabet


def test_ipa_maps_to_arpabet() -> None:
    assert ipa_to_arpabet("ˈɑːkæfɚɹ") == "AA K AE F ER"
    assert ipa_to_arpabet("tʃˈeɪndʒ") == "CH EY N JH"
    assert ipa_to_arpabet("ʘ") is None


def test_espeak_reads_a_name() -> None:
    assert arpabet("okafor") == "AA K AE F ER"
