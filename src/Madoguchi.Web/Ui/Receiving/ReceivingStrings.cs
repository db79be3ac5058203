namespace Madoguchi.Web.Ui.Receiving;

/// <summary>Marker for the receiving screens' strings (ReceivingStrings.resx in English, ReceivingStrings.ja.resx in Japanese).</summary>
public sealed class ReceivingStrings;
