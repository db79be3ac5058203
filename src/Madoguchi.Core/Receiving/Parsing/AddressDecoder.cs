using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>Reads an address header: names are decoded by <see cref="HeaderDecoder"/> first (so split,
/// mislabelled or raw 8-bit names come out right), then MimeKit parses the structure of the UTF-8 result.</summary>
internal static partial class AddressDecoder
{
    private static readonly ParserOptions Utf8Options = new()
    {
        CharsetEncoding = Encoding.UTF8,
        AddressParserComplianceMode = RfcComplianceMode.Looser,
        AllowAddressesWithoutDomain = true,
        Rfc2047ComplianceMode = RfcComplianceMode.Looser,
    };

    public static IReadOnlyList<ParsedAddress> Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty)
            return [];

        var text = HeaderDecoder.DecodeStructured(raw).Trim();
        if (text.Length == 0)
            return [];

        if (InternetAddressList.TryParse(Utf8Options, text, out var list))
        {
            var result = new List<ParsedAddress>();
            foreach (var mailbox in list.Mailboxes)
                result.Add(new ParsedAddress(mailbox.Name?.Trim() ?? string.Empty, mailbox.Address ?? string.Empty));
            return result;
        }

        // Unparseable list: keep whatever looks like an address, so replies still have somewhere to go.
        return AddrSpec().Matches(text).Select(m => new ParsedAddress(string.Empty, m.Value)).ToList();
    }

    [GeneratedRegex(@"[^\s<>""(),;:]+@[^\s<>""(),;:]+")]
    private static partial Regex AddrSpec();
}
