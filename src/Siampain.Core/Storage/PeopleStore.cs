using LiteDB;

namespace Siampain.Storage;

/// <summary>An enrolled person.</summary>
public sealed class Person
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public DateTimeOffset Created { get; set; }
}

/// <summary>
/// One embedding of a person's face. Only the vector is kept, never the photo; the model id ties it to the embedder
/// that produced it, since vectors of different models cannot be compared.
/// </summary>
public sealed class FaceTemplate
{
    public ObjectId? Id { get; set; }

    public string PersonId { get; set; } = "";

    public float[] Embedding { get; set; } = [];

    public bool Masked { get; set; }

    /// <summary>Where it came from (a photo's file name, "camera", "import"), for the technician.</summary>
    public string Source { get; set; } = "";

    public string ModelId { get; set; } = "";

    public DateTimeOffset Created { get; set; }
}

/// <summary>People and their face templates.</summary>
public sealed class PeopleStore
{
    internal const string PeopleCollection = "people";
    internal const string TemplatesCollection = "templates";

    private readonly SiampainDatabase _db;

    public PeopleStore(SiampainDatabase db)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        _db.Write(() => Templates.EnsureIndex(t => t.PersonId), durable: false);
    }

    private ILiteCollection<Person> People => _db.Collection<Person>(PeopleCollection);

    private ILiteCollection<FaceTemplate> Templates => _db.Collection<FaceTemplate>(TemplatesCollection);

    public IReadOnlyList<Person> List() => People.FindAll().OrderBy(p => p.Id, StringComparer.Ordinal).ToList();

    public Person? Find(string id) => People.FindById(id);

    /// <summary>Adds a person or renames an existing one.</summary>
    public Person Upsert(string id, string name)
    {
        ValidateId(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return _db.Write(() =>
        {
            var person = People.FindById(id) ?? new Person { Id = id, Created = _db.Time.GetUtcNow() };
            person.Name = name.Trim();
            People.Upsert(person);
            return person;
        });
    }

    /// <summary>Removes a person and all their templates; false when there is no such person.</summary>
    public bool Remove(string id) => _db.Write(() =>
    {
        Templates.DeleteMany(t => t.PersonId == id);
        return People.Delete(id);
    });

    public void AddTemplates(string personId, IEnumerable<FaceTemplate> templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        _db.Write(() =>
        {
            if (People.FindById(personId) is null)
            {
                throw new KeyNotFoundException($"No person with id '{personId}': enrol the person first.");
            }

            foreach (var template in templates)
            {
                template.PersonId = personId;
                template.Id ??= ObjectId.NewObjectId();
                Templates.Insert(template);
            }
        });
    }

    /// <summary>Adds or renames people and replaces their templates of <paramref name="modelId"/>, all in one transaction.</summary>
    public void Import(IReadOnlyList<(string Id, string Name, List<FaceTemplate> Templates)> people, string modelId)
    {
        ArgumentNullException.ThrowIfNull(people);
        _db.Write(() =>
        {
            foreach (var (id, name, templates) in people)
            {
                var person = People.FindById(id) ?? new Person { Id = id, Created = _db.Time.GetUtcNow() };
                person.Name = name.Trim();
                People.Upsert(person);
                Templates.DeleteMany(t => t.PersonId == id && t.ModelId == modelId);
                foreach (var template in templates)
                {
                    template.PersonId = id;
                    template.Id = ObjectId.NewObjectId();
                    Templates.Insert(template);
                }
            }
        });
    }

    public int CountTemplates(string personId) => Templates.Count(t => t.PersonId == personId);

    /// <summary>All templates, optionally of one embedding model only.</summary>
    public IReadOnlyList<FaceTemplate> ListTemplates(string? modelId = null) =>
        (modelId is null ? Templates.FindAll() : Templates.Find(t => t.ModelId == modelId)).ToList();

    public IReadOnlyList<string> ModelIds() => Templates.FindAll().Select(t => t.ModelId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Person ids are what rosters and events carry: short, printable, no spaces.</summary>
    public static void ValidateId(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64 || id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ',' or ';' or '"'))
        {
            throw new ArgumentException($"Person id '{id}' is not valid: use 1-64 characters without spaces, commas, semicolons or quotes.", nameof(id));
        }
    }
}
