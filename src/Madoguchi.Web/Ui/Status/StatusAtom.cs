using System.Text;
using System.Xml;
using Madoguchi.Core.Status.Summary;

namespace Madoguchi.Web.Ui.Status;

/// <summary><c>/status/incidents.atom</c>: one Atom entry per incident of the uptime window (RFC 4287), newest first; the
/// entry's content is its timeline as plain text, its updated time its latest update.</summary>
public static class StatusAtom
{
    private const string Atom = "http://www.w3.org/2005/Atom";

    public static byte[] Write(StatusSummary summary, Uri baseUrl)
    {
        var page = new Uri(baseUrl, "status").ToString();
        var self = new Uri(baseUrl, "status/incidents.atom").ToString();
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("feed", Atom);
            xml.WriteElementString("id", Atom, self);
            xml.WriteElementString("title", Atom, summary.Name + " status — incidents");
            xml.WriteElementString("updated", Atom, StatusJson.Utc(summary.RecentIncidents.Select(i => i.UpdatedAt).DefaultIfEmpty(summary.GeneratedAt).Max()));
            Link(xml, "self", self, "application/atom+xml");
            Link(xml, "alternate", page, "text/html");
            xml.WriteStartElement("author", Atom);
            xml.WriteElementString("name", Atom, summary.Name);
            xml.WriteEndElement();
            foreach (var incident in summary.RecentIncidents.OrderByDescending(i => i.UpdatedAt))
            {
                xml.WriteStartElement("entry", Atom);
                xml.WriteElementString("id", Atom, "urn:uuid:" + incident.Id);
                xml.WriteElementString("title", Atom, incident.Title);
                xml.WriteElementString("published", Atom, StatusJson.Utc(incident.CreatedAt));
                xml.WriteElementString("updated", Atom, StatusJson.Utc(incident.UpdatedAt));
                Link(xml, "alternate", page + "#inc-" + incident.Id, "text/html");
                xml.WriteStartElement("category", Atom);
                xml.WriteAttributeString("term", StatusJson.Snake(incident.Status.ToString()));
                xml.WriteEndElement();
                xml.WriteStartElement("content", Atom);
                xml.WriteAttributeString("type", "text");
                xml.WriteString(string.Join("\n\n", incident.Updates.Select(u => $"{StatusJson.Utc(u.CreatedAt)} {StatusJson.Snake(u.Status.ToString())}: {u.Message}")));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return buffer.ToArray();
    }

    private static void Link(XmlWriter xml, string rel, string href, string type)
    {
        xml.WriteStartElement("link", Atom);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("type", type);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }
}
