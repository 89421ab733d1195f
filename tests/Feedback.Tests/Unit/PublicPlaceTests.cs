using Feedback.Api.Features.Complaints;

namespace Feedback.Tests.Unit;

/// <summary>What other citizens may read of an address: the street or landmark, never a door.</summary>
public sealed class PublicPlaceTests
{
    [TestCase("城东路 88 号附近", "城东路附近")]
    [TestCase("鹿山路12号3幢201室", "鹿山路")]
    [TestCase("剡湖街道 官河路第二十三号楼后面", "剡湖街道 官河路后面")]
    [TestCase("三江街道江滨西路１２－３号", "三江街道江滨西路")]
    [TestCase("No. 5 Lushan Road, near the bridge", "Lushan Road, near the bridge")]
    [TestCase("人民广场东侧", "人民广场东侧")]
    [TestCase("联系我 wang@example.cn 城南菜场", "联系我 城南菜场")]
    [TestCase("88号", null)]
    [TestCase("   ", null)]
    [TestCase(null, null)]
    public void Keeps_the_street_or_landmark_and_drops_numbers(string? address, string? shown) =>
        Assert.That(PublicPlace.Of(address), Is.EqualTo(shown));

    [Test]
    public void Is_cut_to_thirty_characters()
    {
        var shown = PublicPlace.Of(new string('路', 100))!;
        Assert.Multiple(() =>
        {
            Assert.That(shown, Has.Length.EqualTo(PublicPlace.MaxLength));
            Assert.That(shown, Does.EndWith("…"));
        });
    }
}
