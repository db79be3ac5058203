using System.Text.RegularExpressions;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets.Labels;

/// <summary>A label as lists show it; <see cref="Path"/> reads "parent › child › grandchild".</summary>
public sealed record LabelView(Guid Id, Guid InboxId, Guid? ParentId, string Name, string Color, string Path);

public sealed record LabelInput(string? Name, string? Color, Guid? ParentId);

internal static partial class LabelRules
{
    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex ColorPattern();

    public static Error? Check(string? name, string? color)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > Label.MaxNameLength)
            return new Error(ErrorKind.Invalid, "invalid_label_name", $"A label needs a name of 1 to {Label.MaxNameLength} characters.");
        if (color is null || !ColorPattern().IsMatch(color))
            return new Error(ErrorKind.Invalid, "invalid_label_color", "color must be a colour like #1e88e5.");
        return null;
    }

    public static List<LabelView> Views(IReadOnlyList<Label> labels)
    {
        var byId = labels.ToDictionary(l => l.Id);
        string PathOf(Label l) => l.ParentId is { } p && byId.TryGetValue(p, out var parent) ? $"{PathOf(parent)} › {l.Name}" : l.Name;
        return labels.Select(l => new LabelView(l.Id, l.InboxId, l.ParentId, l.Name, l.Color, PathOf(l)))
            .OrderBy(v => v.Path, StringComparer.Ordinal).ToList();
    }

    public static int DepthOf(Guid? parentId, IReadOnlyDictionary<Guid, Label> byId)
    {
        var depth = 1;
        while (parentId is { } p && byId.TryGetValue(p, out var parent))
        {
            depth++;
            parentId = parent.ParentId;
        }
        return depth;
    }
}

/// <summary>The labels of an inbox, for anyone who sees it.</summary>
public sealed class ListLabelsQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyList<LabelView>>> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Assistant, ct);
        if (!access.Succeeded)
            return access.Error!;
        var labels = await db.Labels.AsNoTracking().Where(l => l.InboxId == inboxId).ToListAsync(ct);
        return LabelRules.Views(labels);
    }
}

/// <summary>Adds a label (マネージャー and up), at most three levels deep.</summary>
public sealed class CreateLabelCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<LabelView>> HandleAsync(Actor actor, Guid inboxId, LabelInput input, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Manager, ct);
        if (!access.Succeeded)
            return access.Error!;
        if (LabelRules.Check(input.Name, input.Color) is { } invalid)
            return invalid;
        var labels = await db.Labels.Where(l => l.InboxId == inboxId).ToDictionaryAsync(l => l.Id, ct);
        if (input.ParentId is { } parentId && !labels.ContainsKey(parentId))
            return new Error(ErrorKind.Invalid, "invalid_label_parent", "The parent label is not a label of this inbox.");
        if (LabelRules.DepthOf(input.ParentId, labels) > Label.MaxDepth)
            return new Error(ErrorKind.Invalid, "label_too_deep", $"Labels go at most {Label.MaxDepth} levels deep.");
        var label = new Label { AccountId = actor.AccountId!.Value, InboxId = inboxId, ParentId = input.ParentId, Name = input.Name!.Trim(), Color = input.Color!.ToLowerInvariant() };
        db.Labels.Add(label);
        labels[label.Id] = label;
        audit.Record(AuditAction.LabelCreated, actor.AccountId!.Value, actor, detail: $"{access.Value.Inbox.Name}: {label.Name}");
        await db.SaveChangesAsync(ct);
        return LabelRules.Views([.. labels.Values]).Single(v => v.Id == label.Id);
    }
}

/// <summary>Renames, recolours or moves a label (マネージャー and up); never deeper than three levels, never under itself.</summary>
public sealed class UpdateLabelCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<LabelView>> HandleAsync(Actor actor, Guid inboxId, Guid labelId, LabelInput input, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Manager, ct);
        if (!access.Succeeded)
            return access.Error!;
        var labels = await db.Labels.Where(l => l.InboxId == inboxId).ToDictionaryAsync(l => l.Id, ct);
        if (!labels.TryGetValue(labelId, out var label))
            return Error.NotFound("The label");
        if (LabelRules.Check(input.Name ?? label.Name, input.Color ?? label.Color) is { } invalid)
            return invalid;
        if (input.ParentId is { } parentId && parentId != label.ParentId)
        {
            if (!labels.ContainsKey(parentId))
                return new Error(ErrorKind.Invalid, "invalid_label_parent", "The parent label is not a label of this inbox.");
            for (Guid? p = parentId; p is { } step; p = labels[step].ParentId)
            {
                if (step == labelId)
                    return new Error(ErrorKind.Invalid, "invalid_label_parent", "A label cannot sit under itself.");
            }
            var below = SubtreeHeight(labelId, labels);
            if (LabelRules.DepthOf(parentId, labels) + below > Label.MaxDepth)
                return new Error(ErrorKind.Invalid, "label_too_deep", $"Labels go at most {Label.MaxDepth} levels deep.");
            label.ParentId = parentId;
        }
        label.Name = (input.Name ?? label.Name).Trim();
        label.Color = (input.Color ?? label.Color).ToLowerInvariant();
        audit.Record(AuditAction.LabelChanged, actor.AccountId!.Value, actor, detail: $"{access.Value.Inbox.Name}: {label.Name}");
        await db.SaveChangesAsync(ct);
        return LabelRules.Views([.. labels.Values]).Single(v => v.Id == label.Id);
    }

    private static int SubtreeHeight(Guid id, Dictionary<Guid, Label> labels)
    {
        var children = labels.Values.Where(l => l.ParentId == id).ToList();
        return 1 + (children.Count == 0 ? 0 : children.Max(c => SubtreeHeight(c.Id, labels)));
    }
}

/// <summary>Deletes a label with its children (マネージャー and up); tickets simply lose them.</summary>
public sealed class DeleteLabelCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result> HandleAsync(Actor actor, Guid inboxId, Guid labelId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Manager, ct);
        if (!access.Succeeded)
            return access.Error!;
        var labels = await db.Labels.Where(l => l.InboxId == inboxId).ToListAsync(ct);
        var label = labels.SingleOrDefault(l => l.Id == labelId);
        if (label is null)
            return Error.NotFound("The label");
        var doomed = new List<Label> { label };
        for (var i = 0; i < doomed.Count; i++)
            doomed.AddRange(labels.Where(l => l.ParentId == doomed[i].Id));
        var ids = doomed.Select(l => l.Id).ToList();
        await db.TicketLabels.Where(x => ids.Contains(x.LabelId)).ExecuteDeleteAsync(ct);
        // Children first: a label's parent key does not cascade.
        for (var i = doomed.Count - 1; i >= 0; i--)
        {
            db.Labels.Remove(doomed[i]);
            await db.SaveChangesAsync(ct);
        }
        audit.Record(AuditAction.LabelDeleted, actor.AccountId!.Value, actor, detail: $"{access.Value.Inbox.Name}: {label.Name}");
        await db.SaveChangesAsync(ct);
        return Result.Ok();
    }
}
