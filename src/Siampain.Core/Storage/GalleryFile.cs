using System.Text.Json;
using System.Text.Json.Serialization;

namespace Siampain.Storage;

/// <summary>A gallery file could not be written, read or imported; the message says which file and why.</summary>
public sealed class GalleryFileException : Exception
{
    public GalleryFileException()
    {
    }

    public GalleryFileException(string message)
        : base(message)
    {
    }

    public GalleryFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// People and their face templates as a JSON file, so that terminals can be enrolled centrally. Templates only,
/// never photos; the embedding model's id travels with them, because vectors of another model are meaningless.
/// </summary>
public sealed record GalleryFile
{
    public const string FormatName = "siampain-gallery";
    public const int CurrentVersion = 1;

    public string Format { get; init; } = FormatName;

    public int Version { get; init; } = CurrentVersion;

    public required string ModelId { get; init; }

    public DateTimeOffset ExportedAt { get; init; }

    public required IReadOnlyList<GalleryPerson> People { get; init; }

    /// <summary>Everyone in the store with their templates of one model (the only one, if the store holds one).</summary>
    public static GalleryFile Export(PeopleStore store, string? modelId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(store);
        var models = store.ModelIds();
        modelId ??= models.Count switch
        {
            1 => models[0],
            0 => throw new GalleryFileException("The gallery holds no templates; enrol people first, or name the model to export people only."),
            _ => throw new GalleryFileException($"The gallery holds templates of several models ({string.Join(", ", models)}); choose one."),
        };
        var templates = store.ListTemplates(modelId).ToLookup(t => t.PersonId, StringComparer.Ordinal);
        return new GalleryFile
        {
            ModelId = modelId,
            ExportedAt = now,
            People = store.List()
                .Select(p => new GalleryPerson(p.Id, p.Name, templates[p.Id].Select(t => new GalleryTemplate(t.Embedding, t.Masked, t.Source)).ToList()))
                .ToList(),
        };
    }

    public void Save(string path)
    {
        try
        {
            File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, GalleryJsonContext.Default.GalleryFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GalleryFileException($"{path}: cannot write the gallery file: {e.Message}", e);
        }
    }

    public static GalleryFile Load(string path)
    {
        GalleryFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllBytes(path), GalleryJsonContext.Default.GalleryFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GalleryFileException($"{path}: cannot read the gallery file: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new GalleryFileException($"{path}: not a valid gallery file (line {e.LineNumber + 1}): {e.Message}", e);
        }

        if (file is null || file.Format != FormatName)
        {
            throw new GalleryFileException($"{path}: not a gallery file (\"format\" must be \"{FormatName}\")");
        }

        if (file.Version != CurrentVersion)
        {
            throw new GalleryFileException($"{path}: gallery file version {file.Version} is not supported (this terminal reads version {CurrentVersion})");
        }

        file.Validate(path);
        return file;
    }

    /// <summary>
    /// Adds the file's people and replaces their templates of this model, in one transaction. Refused when the
    /// terminal uses another model, or already holds templates of another model.
    /// </summary>
    /// <returns>How many people and templates were imported.</returns>
    public (int People, int Templates) ImportInto(PeopleStore store, string? terminalModelId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (terminalModelId is not null && terminalModelId != ModelId)
        {
            throw new GalleryFileException($"The gallery file's templates come from model '{ModelId}' but this terminal uses '{terminalModelId}'; export them again with the same model.");
        }

        var others = store.ModelIds().Where(m => m != ModelId).ToList();
        if (others.Count > 0)
        {
            throw new GalleryFileException($"The gallery file's templates come from model '{ModelId}' but this terminal holds templates of '{string.Join("', '", others)}'; re-enrol or remove them first.");
        }

        var people = People.Select(p => (p.Id, p.Name, p.Templates.Select(t => new FaceTemplate
        {
            Embedding = t.Embedding,
            Masked = t.Masked,
            Source = t.Source,
            ModelId = ModelId,
            Created = now,
        }).ToList())).ToList();
        store.Import(people, ModelId);
        return (people.Count, people.Sum(p => p.Item3.Count));
    }

    private void Validate(string path)
    {
        if (string.IsNullOrWhiteSpace(ModelId))
        {
            throw new GalleryFileException($"{path}: \"model_id\" is empty");
        }

        int? length = null;
        foreach (var person in People)
        {
            try
            {
                PeopleStore.ValidateId(person.Id);
            }
            catch (ArgumentException e)
            {
                throw new GalleryFileException($"{path}: {e.Message.Split(" (Parameter", 2)[0]}", e);
            }

            if (string.IsNullOrWhiteSpace(person.Name))
            {
                throw new GalleryFileException($"{path}: person '{person.Id}' has no name");
            }

            for (var i = 0; i < person.Templates.Count; i++)
            {
                var embedding = person.Templates[i].Embedding;
                length ??= embedding.Length;
                if (embedding.Length == 0 || embedding.Length != length || !embedding.All(float.IsFinite))
                {
                    throw new GalleryFileException($"{path}: person '{person.Id}' template {i}: the embedding must have {length} finite numbers like the others, it has {embedding.Length}");
                }
            }
        }

        var duplicate = People.GroupBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new GalleryFileException($"{path}: person '{duplicate.Key}' appears twice");
        }
    }
}

public sealed record GalleryPerson(string Id, string Name, IReadOnlyList<GalleryTemplate> Templates);

public sealed record GalleryTemplate(float[] Embedding, bool Masked, string Source);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(GalleryFile))]
internal sealed partial class GalleryJsonContext : JsonSerializerContext;
