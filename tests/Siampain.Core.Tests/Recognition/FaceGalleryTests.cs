using System.Numerics.Tensors;
using Siampain.Recognition;

namespace Siampain.Tests.Recognition;

public sealed class FaceGalleryTests
{
    private const int Dimensions = 192;

    [Fact]
    public void Match_agrees_with_a_brute_force_search_over_people()
    {
        var random = new Random(7);
        var gallery = new FaceGallery(Dimensions, initialCapacity: 3);
        var templates = new List<(string Person, float[] Embedding)>();
        for (var i = 0; i < 300; i++)
        {
            var person = $"p{random.Next(60)}";
            var embedding = RandomUnit(random);
            templates.Add((person, embedding));
            gallery.Add(person, embedding);
        }

        for (var q = 0; q < 50; q++)
        {
            var probe = RandomUnit(random);
            var perPerson = templates
                .GroupBy(t => t.Person)
                .Select(g => (Person: g.Key, Score: g.Max(t => TensorPrimitives.Dot(t.Embedding, probe))))
                .OrderByDescending(p => p.Score)
                .ToArray();

            var match = gallery.Match(probe);

            Assert.Equal(perPerson[0].Person, match.PersonId);
            Assert.Equal(perPerson[0].Score, match.Score, 5);
            Assert.Equal(perPerson[1].Person, match.RunnerUpId);
            Assert.Equal(perPerson[1].Score, match.RunnerUpScore, 5);
        }
    }

    [Fact]
    public void Remove_drops_every_template_of_a_person_and_keeps_the_others()
    {
        var random = new Random(3);
        var gallery = new FaceGallery(Dimensions);
        var alice = RandomUnit(random);
        var bob = RandomUnit(random);
        gallery.Add("alice", alice);
        gallery.Add("alice", RandomUnit(random));
        gallery.Add("bob", bob);

        Assert.Equal(2, gallery.Remove("alice"));
        Assert.Equal(0, gallery.Remove("nobody"));
        Assert.Equal(1, gallery.TemplateCount);
        Assert.Equal("bob", gallery.Match(alice).PersonId);
        Assert.Equal(1f, gallery.Match(bob).Score, 5);
    }

    [Fact]
    public void Decide_separates_strangers_close_calls_and_recognised_people()
    {
        Assert.Equal(MatchDecision.Unknown, new GalleryMatch("a", 0.2f, "b", 0.1f).Decide(threshold: 0.4f, minMargin: 0.05f));
        Assert.Equal(MatchDecision.Uncertain, new GalleryMatch("a", 0.6f, "b", 0.58f).Decide(0.4f, 0.05f));
        Assert.Equal(MatchDecision.Recognised, new GalleryMatch("a", 0.6f, "b", 0.3f).Decide(0.4f, 0.05f));
        Assert.Equal(MatchDecision.Recognised, new GalleryMatch("a", 0.6f, null, float.NaN).Decide(0.4f, 0.05f));
        Assert.Equal(MatchDecision.Unknown, new FaceGallery(Dimensions).Match(new float[Dimensions]).Decide(0.4f, 0.05f));
    }

    [Fact]
    public void Wrong_dimensions_are_rejected()
    {
        var gallery = new FaceGallery(Dimensions);
        Assert.Throws<ArgumentException>(() => gallery.Add("a", new float[10]));
        Assert.Throws<ArgumentException>(() => gallery.Match(new float[10]));
    }

    internal static float[] RandomUnit(Random random)
    {
        var v = new float[Dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)((random.NextDouble() * 2) - 1);
        }

        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }
}
