/*! Accord lead form embed: the form in an iframe that grows to fit. AGPL-3.0 */
!function(w,d){
var s=d.currentScript,id=s&&s.getAttribute("data-form");
if(!id)return;
var o=new URL(s.src).origin,f=d.createElement("iframe"),q=[],a,
lang=s.getAttribute("data-lang")||(d.documentElement.lang||"").slice(0,2);
// The first-party id exists only after tracking consent (see t.js): it links the visit.
try{a=w.localStorage.getItem("_accord_id")}catch(e){}
if(lang)q.push("lang="+encodeURIComponent(lang));
if(a)q.push("aid="+encodeURIComponent(a));
q.push("u="+encodeURIComponent(location.href));
f.src=o+"/f/"+encodeURIComponent(id)+"?"+q.join("&");
f.title=s.getAttribute("data-title")||id;
f.style.cssText="width:100%;border:0;min-height:22rem";
s.parentNode.insertBefore(f,s);
w.addEventListener("message",function(e){
if(e.origin==o&&e.data&&e.data.accordForm==id)f.style.height=e.data.height+"px"})
}(window,document);
