using QRCoder;

namespace Madoguchi.Web.Ui.Operator;

/// <summary>The enrolment QR code, drawn here as a PNG data URL: the secret never goes to a remote service.</summary>
public static class TotpQrCode
{
    public static string DataUrl(string otpauthUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
