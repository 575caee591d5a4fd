using Siampain.Storage;

namespace Siampain.Tests.Storage;

public sealed class PeopleAndGalleryTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Removing_a_person_removes_their_templates()
    {
        var people = new PeopleStore(_temp.Open());
        people.Upsert("s1", "Ann");
        people.Upsert("s2", "Bo");
        people.AddTemplates("s1", [Template(1), Template(2)]);
        people.AddTemplates("s2", [Template(3)]);

        Assert.True(people.Remove("s1"));

        Assert.Equal(["s2"], people.List().Select(p => p.Id));
        Assert.Equal(0, people.CountTemplates("s1"));
        Assert.Equal(1, people.CountTemplates("s2"));
        Assert.False(people.Remove("s1"));
    }

    [Fact]
    public void Templates_for_someone_not_enrolled_are_refused()
    {
        var people = new PeopleStore(_temp.Open());
        var error = Assert.Throws<KeyNotFoundException>(() => people.AddTemplates("nobody", [Template(1)]));
        Assert.Contains("'nobody'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a,b")]
    public void A_bad_person_id_is_refused(string id)
    {
        var people = new PeopleStore(_temp.Open());
        Assert.Throws<ArgumentException>(() => people.Upsert(id, "Name"));
    }

    [Fact]
    public void An_exported_gallery_imports_into_another_terminal_with_the_same_templates()
    {
        var source = new PeopleStore(_temp.Open());
        source.Upsert("s1", "Ann");
        source.Upsert("s2", "Bo");
        source.AddTemplates("s1", [Template(1), Template(2, masked: true)]);
        source.AddTemplates("s2", [Template(3)]);
        var path = Path.Combine(_temp.Folder, "gallery.json");

        GalleryFile.Export(source, null, _temp.Time.GetUtcNow()).Save(path);
        Assert.DoesNotContain("\"image", File.ReadAllText(path), StringComparison.Ordinal);

        using var other = new SiampainDatabase(new StorageOptions { Path = Path.Combine(_temp.Folder, "other.db") }, _temp.Time);
        var target = new PeopleStore(other);
        var (people, templates) = GalleryFile.Load(path).ImportInto(target, "mfn-int8", _temp.Time.GetUtcNow());

        Assert.Equal((2, 3), (people, templates));
        Assert.Equal(["Ann", "Bo"], target.List().Select(p => p.Name));
        var imported = target.ListTemplates().Where(t => t.PersonId == "s1").OrderBy(t => t.Masked).ToList();
        Assert.Equal(Template(1).Embedding, imported[0].Embedding);
        Assert.True(imported[1].Masked);

        // Importing the same file again replaces, it does not duplicate.
        GalleryFile.Load(path).ImportInto(target, "mfn-int8", _temp.Time.GetUtcNow());
        Assert.Equal(3, target.ListTemplates().Count);
    }

    [Fact]
    public void A_gallery_of_another_model_is_refused()
    {
        var source = new PeopleStore(_temp.Open());
        source.Upsert("s1", "Ann");
        source.AddTemplates("s1", [Template(1)]);
        var path = Path.Combine(_temp.Folder, "gallery.json");
        GalleryFile.Export(source, null, _temp.Time.GetUtcNow()).Save(path);

        var error = Assert.Throws<GalleryFileException>(() => GalleryFile.Load(path).ImportInto(source, "arcface-fp32", _temp.Time.GetUtcNow()));
        Assert.Contains("model 'mfn-int8' but this terminal uses 'arcface-fp32'", error.Message, StringComparison.Ordinal);

        source.Upsert("s9", "Other");
        source.AddTemplates("s9", [new FaceTemplate { Embedding = [1, 0], ModelId = "arcface-fp32" }]);
        var mixed = Assert.Throws<GalleryFileException>(() => GalleryFile.Load(path).ImportInto(source, null, _temp.Time.GetUtcNow()));
        Assert.Contains("holds templates of 'arcface-fp32'", mixed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"format":"other","version":1,"model_id":"m","people":[]}""", "not a gallery file")]
    [InlineData("""{"format":"siampain-gallery","version":9,"model_id":"m","people":[]}""", "version 9 is not supported")]
    [InlineData("""{"format":"siampain-gallery","version":1,"model_id":"m","people":[{"id":"a","name":"A","templates":[{"embedding":[1,2],"masked":false,"source":""},{"embedding":[1],"masked":false,"source":""}]}]}""", "person 'a' template 1")]
    [InlineData("""{"format":"siampain-gallery","version":1,"model_id":"m","people":[{"id":"a","name":"A","templates":[],"photo":"x"}]}""", "photo")]
    [InlineData("""{"format":"siampain-gallery",""", "not a valid gallery file")]
    public void A_bad_gallery_file_is_refused_naming_the_problem(string json, string expected)
    {
        var path = Path.Combine(_temp.Folder, "bad.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<GalleryFileException>(() => GalleryFile.Load(path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    private static FaceTemplate Template(int seed, bool masked = false) => new()
    {
        Embedding = Enumerable.Range(0, 8).Select(i => (float)Math.Sin(seed + i)).ToArray(),
        Masked = masked,
        Source = $"photo{seed}.jpg",
        ModelId = "mfn-int8",
    };
}
