using System.Runtime.CompilerServices;
using System.Text;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>Makes the code-page encodings (ISO-2022-JP, Shift_JIS, EUC-JP …) known the moment this assembly loads. MimeKit
/// learns which charsets exist once, the first time it is used, and never looks again: when anything touched MimeKit
/// before a static constructor here registered them, ISO-2022-JP headers stayed undecoded for the life of the process.</summary>
internal static class CodePageRegistration
{
#pragma warning disable CA2255 // A library's module initializer is what is needed here: before any caller can reach MimeKit.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}
