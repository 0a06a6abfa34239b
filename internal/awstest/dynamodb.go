package awstest

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"unicode"
)

// table is one DynamoDB table: its partition key's name and its items,
// each a map of attribute name to AttributeValue JSON ({"S": "…"}).
type table struct {
	key   string
	items map[string]map[string]any
}

// CreateTable makes a DynamoDB table in the caller's account and region,
// with a string partition key named key.
func (s *Server) CreateTable(region, name, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tables == nil {
		s.tables = map[string]*table{}
	}
	s.tables[s.callerLocked()+"/"+region+"/"+name] = &table{key: key, items: map[string]map[string]any{}}
}

// Items returns a copy of a table's items, each attribute as its
// AttributeValue JSON.
func (s *Server) Items(region, name string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[s.callerLocked()+"/"+region+"/"+name]
	if t == nil {
		return nil
	}
	var out []map[string]any
	for _, it := range t.items {
		c := map[string]any{}
		for k, v := range it {
			c[k] = v
		}
		out = append(out, c)
	}
	return out
}

// dynamodb serves PutItem, UpdateItem and DeleteItem (awsJson1_0) with
// their condition expressions: comparisons, attribute_exists and
// attribute_not_exists, AND, OR, NOT and parentheses. UpdateItem takes SET
// of values and REMOVE. A failed condition is
// ConditionalCheckFailedException, with the item when the request asks
// for ReturnValuesOnConditionCheckFailure ALL_OLD.
func (s *Server) dynamodb(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[c.acct.snap.ID+"/"+c.region+"/"+str(c.in, "TableName")]
	if t == nil {
		c.fail(400, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "Requested resource not found")
		return
	}
	var id string
	switch c.op {
	case "PutItem":
		item, _ := c.in["Item"].(map[string]any)
		id = keyOf(item, t.key)
	case "UpdateItem", "DeleteItem":
		k, _ := c.in["Key"].(map[string]any)
		id = keyOf(k, t.key)
	default:
		c.fail(400, "UnknownOperationException", "awstest: DynamoDB "+c.op+" is not served")
		return
	}
	if id == "" {
		c.fail(400, "ValidationException", "One of the required keys was not given a value")
		return
	}
	old := t.items[id]
	if cond := str(c.in, "ConditionExpression"); cond != "" {
		names, _ := c.in["ExpressionAttributeNames"].(map[string]any)
		values, _ := c.in["ExpressionAttributeValues"].(map[string]any)
		ok, err := evalCondition(cond, old, names, values)
		if err != nil {
			c.fail(400, "ValidationException", "Invalid ConditionExpression: "+err.Error())
			return
		}
		if !ok {
			body := map[string]any{"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "message": "The conditional request failed"}
			if str(c.in, "ReturnValuesOnConditionCheckFailure") == "ALL_OLD" && old != nil {
				body["Item"] = old
			}
			c.w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			c.w.WriteHeader(400)
			json.NewEncoder(c.w).Encode(body)
			return
		}
	}
	switch c.op {
	case "PutItem":
		t.items[id] = c.in["Item"].(map[string]any)
	case "DeleteItem":
		delete(t.items, id)
	case "UpdateItem":
		names, _ := c.in["ExpressionAttributeNames"].(map[string]any)
		values, _ := c.in["ExpressionAttributeValues"].(map[string]any)
		item := map[string]any{}
		for k, v := range old {
			item[k] = v
		}
		k, _ := c.in["Key"].(map[string]any)
		item[t.key] = k[t.key]
		if err := applyUpdate(str(c.in, "UpdateExpression"), item, names, values); err != nil {
			c.fail(400, "ValidationException", "Invalid UpdateExpression: "+err.Error())
			return
		}
		t.items[id] = item
	}
	c.reply(map[string]any{})
}

func keyOf(item map[string]any, key string) string {
	v, _ := item[key].(map[string]any)
	s, _ := v["S"].(string)
	return s
}

// applyUpdate applies "SET a = :v, b = :w REMOVE c, d" to item.
func applyUpdate(expr string, item map[string]any, names, values map[string]any) error {
	toks := tokenize(expr)
	clause := ""
	for i := 0; i < len(toks); i++ {
		switch up := strings.ToUpper(toks[i]); {
		case up == "SET" || up == "REMOVE":
			clause = up
		case toks[i] == ",":
		case clause == "SET" && i+2 < len(toks) && toks[i+1] == "=":
			v, ok := values[toks[i+2]]
			if !ok {
				return fmt.Errorf("no value %s", toks[i+2])
			}
			item[attrName(toks[i], names)] = v
			i += 2
		case clause == "REMOVE":
			delete(item, attrName(toks[i], names))
		default:
			return fmt.Errorf("unexpected %q", toks[i])
		}
	}
	return nil
}

func attrName(tok string, names map[string]any) string {
	if strings.HasPrefix(tok, "#") {
		n, _ := names[tok].(string)
		return n
	}
	return tok
}

// tokenize splits an expression into names, placeholders, operators and
// parentheses.
func tokenize(expr string) []string {
	var toks []string
	for i := 0; i < len(expr); {
		r := rune(expr[i])
		switch {
		case unicode.IsSpace(r):
			i++
		case strings.ContainsRune("(),=", r):
			toks = append(toks, string(r))
			i++
		case r == '<' || r == '>':
			j := i + 1
			if j < len(expr) && (expr[j] == '=' || (r == '<' && expr[j] == '>')) {
				j++
			}
			toks = append(toks, expr[i:j])
			i = j
		default:
			j := i
			for j < len(expr) && !unicode.IsSpace(rune(expr[j])) && !strings.ContainsRune("(),=<>", rune(expr[j])) {
				j++
			}
			toks = append(toks, expr[i:j])
			i = j
		}
	}
	return toks
}

// evalCondition evaluates a condition expression against item (nil when
// absent).
func evalCondition(expr string, item map[string]any, names, values map[string]any) (bool, error) {
	p := &condParser{toks: tokenize(expr), item: item, names: names, values: values}
	v, err := p.or()
	if err == nil && p.i < len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	return v, err
}

type condParser struct {
	toks          []string
	i             int
	item          map[string]any
	names, values map[string]any
}

func (p *condParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *condParser) next() string { t := p.peek(); p.i++; return t }

func (p *condParser) or() (bool, error) {
	v, err := p.and()
	for err == nil && strings.EqualFold(p.peek(), "OR") {
		p.next()
		var w bool
		w, err = p.and()
		v = v || w
	}
	return v, err
}

func (p *condParser) and() (bool, error) {
	v, err := p.unary()
	for err == nil && strings.EqualFold(p.peek(), "AND") {
		p.next()
		var w bool
		w, err = p.unary()
		v = v && w
	}
	return v, err
}

func (p *condParser) unary() (bool, error) {
	switch t := p.next(); {
	case strings.EqualFold(t, "NOT"):
		v, err := p.unary()
		return !v, err
	case t == "(":
		v, err := p.or()
		if err == nil && p.next() != ")" {
			err = fmt.Errorf("missing )")
		}
		return v, err
	case t == "attribute_exists" || t == "attribute_not_exists":
		if p.next() != "(" {
			return false, fmt.Errorf("%s without (", t)
		}
		name := attrName(p.next(), p.names)
		if p.next() != ")" {
			return false, fmt.Errorf("%s without )", t)
		}
		_, has := p.item[name]
		return has == (t == "attribute_exists"), nil
	default:
		a, op, b := p.operand(t), p.next(), p.operand(p.next())
		return compare(a, op, b)
	}
}

// operand returns the AttributeValue JSON a token stands for (nil when
// the item has no such attribute).
func (p *condParser) operand(tok string) map[string]any {
	var v any
	if strings.HasPrefix(tok, ":") {
		v = p.values[tok]
	} else {
		v = p.item[attrName(tok, p.names)]
	}
	m, _ := v.(map[string]any)
	return m
}

// compare compares two S or two N values; a missing attribute or a type
// mismatch makes the comparison false, as in DynamoDB.
func compare(a map[string]any, op string, b map[string]any) (bool, error) {
	var c int
	switch {
	case a == nil || b == nil:
		return false, nil
	case a["S"] != nil && b["S"] != nil:
		c = strings.Compare(a["S"].(string), b["S"].(string))
	case a["N"] != nil && b["N"] != nil:
		x, ok1 := new(big.Float).SetString(a["N"].(string))
		y, ok2 := new(big.Float).SetString(b["N"].(string))
		if !ok1 || !ok2 {
			return false, fmt.Errorf("bad number")
		}
		c = x.Cmp(y)
	default:
		return false, nil
	}
	switch op {
	case "=":
		return c == 0, nil
	case "<>":
		return c != 0, nil
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	case ">=":
		return c >= 0, nil
	}
	return false, fmt.Errorf("unknown comparator %q", op)
}
