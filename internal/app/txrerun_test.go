package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestTransactionsCanRunAgain: store.InTx runs a transaction again when
// the database rolls it back for a deadlock, so a transaction's function
// (any function literal taking a *store.Q) must not add to what it shares
// with its caller: no +=, ++, append or channel send on a variable declared
// outside it, and no goroutine, unless a plain assignment at the top of
// the function sets that variable afresh first.
func TestTransactionsCanRunAgain(t *testing.T) {
	var files []string
	for _, dir := range []string{".", "../store", "../../cmd/yardstick"} {
		fs, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.FuncLit)
			if !ok || !takesQ(lit) {
				return true
			}
			checked++
			for _, p := range rerunProblems(lit) {
				t.Errorf("%s: %s", fset.Position(p.pos), p.what)
			}
			return false // nested literals are part of this one
		})
	}
	if checked < 100 {
		t.Fatalf("found %d transaction functions; the search has gone wrong", checked)
	}
}

type rerunProblem struct {
	pos  token.Pos
	what string
}

// takesQ reports whether lit has a *store.Q (or, in the store, *Q)
// parameter: the body of a transaction.
func takesQ(lit *ast.FuncLit) bool {
	for _, f := range lit.Type.Params.List {
		st, ok := f.Type.(*ast.StarExpr)
		if !ok {
			continue
		}
		switch x := st.X.(type) {
		case *ast.SelectorExpr:
			if x.Sel.Name == "Q" {
				return true
			}
		case *ast.Ident:
			if x.Name == "Q" {
				return true
			}
		}
	}
	return false
}

// rerunProblems lists the statements of lit that add to a variable
// declared outside it. Scoping is by name, which is enough for code that
// does not shadow.
func rerunProblems(lit *ast.FuncLit) []rerunProblem {
	local := map[string]bool{}
	params := func(ft *ast.FuncType) {
		for _, l := range []*ast.FieldList{ft.Params, ft.Results} {
			if l == nil {
				continue
			}
			for _, f := range l.List {
				for _, n := range f.Names {
					local[n.Name] = true
				}
			}
		}
	}
	params(lit.Type)
	reset := map[string]token.Pos{} // set afresh at the top
	for _, st := range lit.Body.List {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					if _, seen := reset[id.Name]; !seen {
						reset[id.Name] = as.Pos()
					}
				}
			}
		}
	}
	outer := func(e ast.Expr, at token.Pos) bool {
		r := rootIdent(e)
		if r == "" || r == "_" || local[r] {
			return false
		}
		p, ok := reset[r]
		return !ok || p > at
	}
	var out []rerunProblem
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.FuncLit:
			params(s.Type)
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				for _, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						local[id.Name] = true
					}
				}
				return true
			}
			for i, l := range s.Lhs {
				if !outer(l, s.Pos()) {
					continue
				}
				if s.Tok != token.ASSIGN {
					out = append(out, rerunProblem{s.Pos(), s.Tok.String() + " on " + rootIdent(l) + ", declared outside the transaction"})
				} else if i < len(s.Rhs) && isAppend(s.Rhs[i]) {
					out = append(out, rerunProblem{s.Pos(), "append to " + rootIdent(l) + ", declared outside the transaction"})
				}
			}
		case *ast.ValueSpec:
			for _, n := range s.Names {
				local[n.Name] = true
			}
		case *ast.RangeStmt:
			if s.Tok == token.DEFINE {
				for _, e := range []ast.Expr{s.Key, s.Value} {
					if id, ok := e.(*ast.Ident); ok {
						local[id.Name] = true
					}
				}
			}
		case *ast.IncDecStmt:
			if outer(s.X, s.Pos()) {
				out = append(out, rerunProblem{s.Pos(), s.Tok.String() + " on " + rootIdent(s.X) + ", declared outside the transaction"})
			}
		case *ast.SendStmt:
			out = append(out, rerunProblem{s.Pos(), "a channel send inside a transaction"})
		case *ast.GoStmt:
			out = append(out, rerunProblem{s.Pos(), "a goroutine started inside a transaction"})
		}
		return true
	})
	return out
}

func isAppend(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	id, ok := c.Fun.(*ast.Ident)
	return ok && id.Name == "append"
}

// rootIdent is the variable an lvalue writes into: x of x.f[i].g.
func rootIdent(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return ""
		}
	}
}
