using NUnit.Framework; using Jint;
namespace Matomo.Mvc5.Tests { public class SmokeTests { [Test] public void Runs() { var e = new Jint.Engine(); Assert.That(e.Evaluate("1+1").AsNumber(), Is.EqualTo(2)); var m = new Moq.Mock<System.Web.HttpContextBase>(); Assert.That(m.Object, Is.Not.Null); var mvc = typeof(System.Web.Mvc.HtmlHelper); Assert.That(mvc, Is.Not.Null); } } }
