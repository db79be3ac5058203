using System.Text.Json;
using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Incidents;
using Madoguchi.Core.Status.Maintenance;
using Madoguchi.Core.Status.Summary;

namespace Madoguchi.Web.Ui.Status;

/// <summary><c>/status.json</c>: the common status-page summary shape (page, status, components, incidents with
/// incident_updates, scheduled_maintenances), snake_case, English words; described by <c>wwwroot/status.schema.json</c>.</summary>
public static class StatusJson
{
    public static byte[] Write(StatusSummary summary, Uri baseUrl)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("page");
            json.WriteString("id", "madoguchi");
            json.WriteString("name", summary.Name);
            json.WriteString("url", new Uri(baseUrl, "status").ToString());
            json.WriteString("time_zone", summary.TimeZoneId);
            json.WriteString("updated_at", Utc(summary.GeneratedAt));
            json.WriteEndObject();

            json.WriteStartObject("status");
            json.WriteString("indicator", Snake(summary.Indicator.ToString()));
            json.WriteString("description", Description(summary.Indicator));
            json.WriteEndObject();

            json.WriteStartArray("components");
            var position = 0;
            foreach (var component in summary.Components)
            {
                json.WriteStartObject();
                json.WriteString("id", ComponentId(component.Component));
                json.WriteString("name", ComponentName(component.Component));
                json.WriteString("status", Snake(component.State.ToString()));
                json.WriteNumber("position", ++position);
                json.WriteString("status_source", Snake(component.Source.ToString()));
                if (component.CheckedAt is { } checkedAt)
                    json.WriteString("updated_at", Utc(checkedAt));
                else
                    json.WriteNull("updated_at");
                if (component.UptimePercent is { } uptime)
                    json.WriteNumber("uptime_percent", Math.Round(uptime, 3));
                else
                    json.WriteNull("uptime_percent");
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("incidents");
            foreach (var incident in summary.ActiveIncidents)
                WriteIncident(json, incident, baseUrl);
            json.WriteEndArray();

            json.WriteStartArray("scheduled_maintenances");
            foreach (var window in summary.Maintenances)
                WriteMaintenance(json, window);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteIncident(Utf8JsonWriter json, IncidentView incident, Uri baseUrl)
    {
        json.WriteStartObject();
        json.WriteString("id", incident.Id.ToString());
        json.WriteString("name", incident.Title);
        json.WriteString("status", Snake(incident.Status.ToString()));
        json.WriteString("impact", Snake(incident.Impact.ToString()));
        json.WriteString("created_at", Utc(incident.CreatedAt));
        json.WriteString("updated_at", Utc(incident.UpdatedAt));
        if (incident.ResolvedAt is { } resolved)
            json.WriteString("resolved_at", Utc(resolved));
        else
            json.WriteNull("resolved_at");
        json.WriteString("shortlink", new Uri(baseUrl, "status#inc-" + incident.Id).ToString());
        json.WriteStartArray("components");
        foreach (var affected in incident.Components)
        {
            json.WriteStartObject();
            json.WriteString("id", ComponentId(affected.Component));
            json.WriteString("name", ComponentName(affected.Component));
            json.WriteString("status", Snake(affected.State.ToString()));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("incident_updates");
        foreach (var update in incident.Updates)
        {
            json.WriteStartObject();
            json.WriteString("id", update.Id.ToString());
            json.WriteString("incident_id", incident.Id.ToString());
            json.WriteString("status", Snake(update.Status.ToString()));
            json.WriteString("body", update.Message);
            json.WriteString("created_at", Utc(update.CreatedAt));
            json.WriteString("updated_at", Utc(update.CreatedAt));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteMaintenance(Utf8JsonWriter json, MaintenanceView window)
    {
        json.WriteStartObject();
        json.WriteString("id", window.Id.ToString());
        json.WriteString("name", window.Title);
        json.WriteString("status", Snake(window.Status.ToString()));
        json.WriteString("impact", "maintenance");
        json.WriteString("scheduled_for", Utc(window.StartsAt));
        json.WriteString("scheduled_until", Utc(window.EndsAt));
        json.WriteString("created_at", Utc(window.CreatedAt));
        json.WriteString("updated_at", Utc(window.CancelledAt ?? window.CreatedAt));
        json.WriteStartArray("components");
        foreach (var component in window.Components)
        {
            json.WriteStartObject();
            json.WriteString("id", ComponentId(component));
            json.WriteString("name", ComponentName(component));
            json.WriteString("status", "under_maintenance");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("incident_updates");
        if (window.Description is not null)
        {
            json.WriteStartObject();
            json.WriteString("id", window.Id.ToString());
            json.WriteString("incident_id", window.Id.ToString());
            json.WriteString("status", "scheduled");
            json.WriteString("body", window.Description);
            json.WriteString("created_at", Utc(window.CreatedAt));
            json.WriteString("updated_at", Utc(window.CreatedAt));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static string ComponentId(StatusComponent component) => component.ToString().ToLowerInvariant();

    public static string ComponentName(StatusComponent component) => component switch
    {
        StatusComponent.Web => "Web app and API",
        StatusComponent.Database => "Database",
        StatusComponent.Storage => "Storage",
        StatusComponent.Receiving => "Receiving mail",
        StatusComponent.Search => "Search",
        StatusComponent.Sending => "Sending mail",
        _ => component.ToString(),
    };

    public static string Description(StatusIndicator indicator) => indicator switch
    {
        StatusIndicator.None => "All Systems Operational",
        StatusIndicator.Minor => "Minor Service Disruption",
        StatusIndicator.Major => "Partial System Outage",
        StatusIndicator.Critical => "Major Service Outage",
        _ => "Service Under Maintenance",
    };

    public static string Utc(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>PartialOutage → partial_outage, InProgress → in_progress.</summary>
    public static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
