/*! Accord tracking snippet: cookieless page views, outbound clicks, custom events. AGPL-3.0 */
!function(w,d,n,l){
var s=d.currentScript,k=s&&s.getAttribute("data-site"),K="_accord_id",last;
if(!k)return;
var api=s.getAttribute("data-api")||new URL(s.src).origin+"/t/e";
// Do-Not-Track and Global Privacy Control turn the snippet off entirely.
function off(){return n.doNotTrack=="1"||w.doNotTrack=="1"||n.globalPrivacyControl===true}
function store(f){try{return f(w.localStorage)}catch(e){}}
function uid(){var c=w.crypto;return c&&c.randomUUID?c.randomUUID():Math.random().toString(36).slice(2)+Date.now().toString(36)}
function send(kind,x){
if(off())return;
var b={k:k,n:kind,u:l.href,r:d.referrer||null,a:store(function(s){return s.getItem(K)})||null},i;
for(i in x)b[i]=x[i];
b=JSON.stringify(b);
// A string body is text/plain: no CORS preflight, and the beacon survives page unload.
n.sendBeacon&&n.sendBeacon(api,b)||w.fetch&&fetch(api,{method:"POST",body:b,keepalive:true,credentials:"omit"}).catch(function(){})}
function page(){var p=l.pathname+l.search;if(p!=last){last=p;send("page_view")}}
var h=w.history;
["pushState","replaceState"].forEach(function(m){var o=h[m];o&&(h[m]=function(){var r=o.apply(this,arguments);page();return r})});
w.addEventListener("popstate",page);
function click(e){
var a=e.target&&e.target.closest&&e.target.closest("a[href]");
if(a&&/^https?:$/.test(a.protocol)&&a.host!=l.host&&(e.type=="click"||e.button==1))send("click",{h:a.href})}
d.addEventListener("click",click,true);
d.addEventListener("auxclick",click,true);
// accord("event", name, props); accord("consent", true|false) stores or forgets a first-party id.
function accord(c,a,b){
if(c=="event")send("custom",{e:a,p:b||null});
else if(c=="consent"&&!off())store(function(s){a?s.getItem(K)||s.setItem(K,uid()):s.removeItem(K)})}
var q=w.accord&&w.accord.q||[];
w.accord=accord;
for(var i=0;i<q.length;i++)accord.apply(w,q[i]);
page()
}(window,document,navigator,location);
