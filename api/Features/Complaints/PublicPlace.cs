using System.Text.RegularExpressions;
using Feedback.Api.Features.Cases;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// The part of a citizen's address that may be shown to other citizens: the street or landmark as
/// they wrote it, without house, building, unit or room numbers, and without anything that looks
/// like an e-mail address. "城东路 88 号附近" → "城东路附近"; "鹿山路12号3幢201室" → "鹿山路".
/// </summary>
public static partial class PublicPlace
{
    public const int MaxLength = 30;

    public static string? Of(string? address)
    {
        if (string.IsNullOrWhiteSpace(address)) return null;
        var text = Email().Replace(address, " ");
        // A number between two Chinese characters goes with the spaces around it ("城东路 88 号附近");
        // between words it leaves one space.
        text = Number().Replace(text, match => IsHan(text, match.Index - 1) && IsHan(text, match.Index + match.Length) ? "" : " ");
        text = Spaces().Replace(text, " ").Trim(' ', ',', '，', '、', '.', '。', '-', '—', '#', '(', ')', '（', '）');
        if (text.Length == 0) return null;
        return ComplaintText.CharacterCount(text) <= MaxLength ? text : string.Concat(text.EnumerateRunes().Take(MaxLength - 1)) + "…";
    }

    [GeneratedRegex(@"\S+@\S+")]
    private static partial Regex Email();

    /// <summary>
    /// A number — Arabic, full-width or Chinese (三, 十二) — optionally preceded by 第 or "No.", with
    /// the unit that makes it an address (号, 号楼, 栋, 幢, 座, 单元, 层, 楼, 室, 弄, 户, 门) and any
    /// joining hyphen; bare Arabic numbers go too (a house number needs no unit to be one).
    /// </summary>
    private static bool IsHan(string text, int index) =>
        index >= 0 && index < text.Length && text[index] is >= '\u4e00' and <= '\u9fff';

    [GeneratedRegex(@"\s*(第|No\.?\s*)?(([0-9０-９]+([-－—][0-9０-９]+)*[a-zA-Z]?)\s*(号楼|号院|号|栋|幢|座|单元|层|楼|室|弄|户|门)?|[一二三四五六七八九十百零两]+\s*(号楼|号院|号|栋|幢|座|单元|层|室|弄|户))\s*", RegexOptions.IgnoreCase)]
    private static partial Regex Number();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
