using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Security.Principal;
using System.Web;
using Moq;

namespace Matomo.Mvc5.Tests.Support
{
    /// <summary>A Moq'd request: peer address, headers, user and Items, as System.Web would give them.</summary>
    public sealed class FakeHttp
    {
        public string RemoteAddress { get; set; } = "203.0.113.50";
        public NameValueCollection Headers { get; } = new NameValueCollection();
        public IPrincipal User { get; set; }
        public IDictionary Items { get; } = new Hashtable();
        public int AddressReads { get; private set; }
        /// <summary><c>&lt;compilation debug="..."&gt;</c> as the request sees it (false, as in production, unless set).</summary>
        public bool Debug { get; set; }
        /// <summary>The request's app-relative path (<c>AppRelativeCurrentExecutionFilePath</c>), such as <c>~/Admin/Users</c>.</summary>
        public string AppRelativePath { get; set; } = "~/";
        /// <summary>The request's URL.</summary>
        public System.Uri Url { get; set; } = new System.Uri("https://www.example.com/");
        /// <summary>The request's cookies.</summary>
        public HttpCookieCollection Cookies { get; } = new HttpCookieCollection();
        public string UserAgent { get; set; }
        public System.Uri Referrer { get; set; }

        public static IPrincipal SignedIn(string name) => new GenericPrincipal(new GenericIdentity(name, "Forms"), new string[0]);
        public static IPrincipal Anonymous() => new GenericPrincipal(new GenericIdentity(""), new string[0]);

        public HttpContextBase Build()
        {
            var request = new Mock<HttpRequestBase>();
            request.Setup(r => r.Headers).Returns(Headers);
            request.Setup(r => r.AppRelativeCurrentExecutionFilePath).Returns(() => AppRelativePath);
            request.Setup(r => r.Url).Returns(() => Url);
            request.Setup(r => r.Cookies).Returns(Cookies);
            request.Setup(r => r.UserAgent).Returns(() => UserAgent);
            request.Setup(r => r.UrlReferrer).Returns(() => Referrer);
            request.Setup(r => r.UserHostAddress).Returns(() =>
            {
                AddressReads++;
                return RemoteAddress;
            });
            var context = new Mock<HttpContextBase>();
            context.Setup(c => c.Request).Returns(request.Object);
            context.Setup(c => c.Items).Returns(Items);
            context.Setup(c => c.User).Returns(() => User);
            context.Setup(c => c.IsDebuggingEnabled).Returns(() => Debug);
            return context.Object;
        }
    }
}
