using System.Runtime.CompilerServices;
using System.Text;

namespace Madoguchi.IntegrationTests;

/// <summary>Tests read mail with MimeKit directly too: the code-page encodings must be known before MimeKit's first use in
/// the test process, whichever test comes first (MimeKit looks for them once).</summary>
internal static class CodePageRegistration
{
#pragma warning disable CA2255 // Test infrastructure: registering before any test can reach MimeKit.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}
