namespace Madoguchi.Web.Ui.Tickets;

/// <summary>Marker for the reading screens' strings (TicketStrings.resx in English, TicketStrings.ja.resx in Japanese).</summary>
public sealed class TicketStrings;
